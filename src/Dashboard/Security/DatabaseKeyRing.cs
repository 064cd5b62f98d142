using System.Text;
using System.Xml.Linq;
using Jobs.Operators;
using Jobs.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Jobs.Dashboard.Security;

/// <summary>
/// The data protection key ring (session, antiforgery and device cookies) in the jobs database (the
/// operators' schema, <see cref="DataProtectionKeys"/>) rather
/// than in the process's memory or home folder: every dashboard instance on the database reads the
/// same keys, so a restart, a redeploy or a second instance behind the load balancer keeps operators
/// signed in and their forms valid. The key material is encrypted under <c>App:Webhooks:SecretKey</c>,
/// which both hosts already require, so a reader of the database alone cannot forge cookies.
/// </summary>
public static class DatabaseKeyRing
{
    /// <summary>The application name every instance shares, whatever folder it runs from.</summary>
    public const string ApplicationName = "jobs-dashboard";

    public static IServiceCollection AddDatabaseKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddJobsOperators();
        services.AddOptions<KeyManagementOptions>().Configure<DataProtectionKeys, WebhookSecrets>((options, keys, secrets) =>
        {
            options.XmlRepository = new Repository(keys);
            options.XmlEncryptor = new Encryptor(secrets);
        });
        return services;
    }

    /// <summary>Key elements as rows of <see cref="DataProtectionKeys"/>. Data protection calls it synchronously and rarely (start, then about daily).</summary>
    private sealed class Repository(DataProtectionKeys keys) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() => keys.List().Select(XElement.Parse).ToList();

        public void StoreElement(XElement element, string friendlyName) => keys.Add(friendlyName, element.ToString(SaveOptions.DisableFormatting));
    }

    private static readonly byte[] Purpose = "jobs.dashboard.data-protection-key"u8.ToArray();

    private sealed class Encryptor(WebhookSecrets secrets) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement)
        {
            var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
            var sealedKey = Convert.ToBase64String(secrets.Protect(plain, Purpose));
            var element = new XElement("encryptedKey",
                new XComment(" AES-256-GCM under App:Webhooks:SecretKey "),
                new XElement("value", sealedKey));
            return new EncryptedXmlInfo(element, typeof(Decryptor));
        }
    }

    /// <summary>Made by data protection from the type name stored with the key, with the host's services.</summary>
    private sealed class Decryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement)
        {
            var sealedKey = Convert.FromBase64String((string?)encryptedElement.Element("value") ?? "");
            var plain = services.GetRequiredService<WebhookSecrets>().Unprotect(sealedKey, Purpose,
                "A data protection key in the database has an unknown format.");
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
    }
}
