using Dapper;
using Jobs.Operators.Storage;

namespace Jobs.Operators;

/// <summary>
/// The rows of the dashboard's data protection key ring: each one key element as XML, as the host's
/// encryptor left it. Rows are only added. Synchronous, as ASP.NET Core's key repository is called
/// (rarely: at start, then about daily).
/// </summary>
public sealed class DataProtectionKeys(OperatorsDatabase database)
{
    /// <summary>Every stored element, oldest first.</summary>
    public IReadOnlyList<string> List()
    {
        using var connection = database.DataSource.OpenConnection();
        return connection.Query<string>(database.Sql.ListDataProtectionKeys).ToList();
    }

    /// <summary>Adds one element.</summary>
    public void Add(string friendlyName, string xml)
    {
        using var connection = database.DataSource.OpenConnection();
        connection.Execute(database.Sql.AddDataProtectionKey, new { name = friendlyName, xml });
    }
}
