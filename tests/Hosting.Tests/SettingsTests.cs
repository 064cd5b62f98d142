using Jobs.Hosting.Configuration;
using Jobs.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Jobs.Hosting.Tests;

/// <summary>Where secrets may come from: mounted secret files yes, a shipped settings file no.</summary>
public sealed class SettingsTests : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("jobs-hosting-tests-").FullName;
    private TestSchema _schema = null!;

    public async Task InitializeAsync() => _schema = await TestSchema.CreateAsync(migrate: false);

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(SecretFiles.DirectoryVariable, null);
        Environment.SetEnvironmentVariable("App__Payments__ApiKey", null);
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Each_visible_file_of_the_secrets_folder_is_a_setting_and_wins_over_the_environment()
    {
        var secrets = Directory.CreateDirectory(Path.Combine(_folder, "secrets")).FullName;
        File.WriteAllText(Path.Combine(secrets, "App__Payments__ApiKey"), "sk_test_from_file\n");
        File.WriteAllText(Path.Combine(secrets, "Dashboard__Title"), "  Billing jobs  ");
        File.WriteAllText(Path.Combine(secrets, "..data"), "kubernetes bookkeeping");
        Environment.SetEnvironmentVariable("App__Payments__ApiKey", "sk_test_from_environment");
        Environment.SetEnvironmentVariable(SecretFiles.DirectoryVariable, secrets);

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddSecretFiles().Build();

        Assert.Equal("sk_test_from_file", configuration["App:Payments:ApiKey"]);
        Assert.Equal("Billing jobs", configuration["Dashboard:Title"]);
        Assert.DoesNotContain(configuration.AsEnumerable(), kv => kv.Value == "kubernetes bookkeeping");
    }

    [Fact]
    public void A_secrets_folder_that_does_not_exist_fails_start_naming_it()
    {
        var missing = Path.Combine(_folder, "not-mounted");
        Environment.SetEnvironmentVariable(SecretFiles.DirectoryVariable, missing);

        var error = Assert.Throws<InvalidOperationException>(() => new ConfigurationBuilder().AddSecretFiles());

        Assert.Contains(SecretFiles.DirectoryVariable, error.Message);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public async Task A_secret_in_a_settings_file_stops_the_host_naming_the_key_the_file_and_where_it_belongs()
    {
        var file = Path.Combine(_folder, "appsettings.Production.json");
        await File.WriteAllTextAsync(file, """
            { "App": { "Payments": { "ApiKey": "sk_live_committed_by_mistake" } },
              "Jobs": { "ConnectionString": "Host=db;Username=jobs;Password=hunter2" },
              "Dashboard": { "Title": "not a secret" } }
            """);
        var app = HostingApp.Build(_schema, null, out var logs, configure: c => c.AddJsonFile(file));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.StartsWith("App:Payments:ApiKey is a secret and is set in appsettings.Production.json", StringComparison.Ordinal)
            && f.Contains("App__Payments__ApiKey", StringComparison.Ordinal) && f.Contains(SecretFiles.DirectoryVariable, StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Jobs:ConnectionString is a secret", StringComparison.Ordinal));
        Assert.DoesNotContain("sk_live_committed_by_mistake", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
        await app.DisposeAsync();
    }
}
