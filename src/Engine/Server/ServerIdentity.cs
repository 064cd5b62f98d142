using System.Reflection;

namespace Jobs.Engine.Server;

/// <summary>Who this server is in the <c>server</c> table and on the jobs it claims.</summary>
/// <param name="Id">Unique per process start: host, process id and a random suffix.</param>
/// <param name="Host">The machine name.</param>
/// <param name="ProcessId">The operating system's process id.</param>
/// <param name="Version">The engine's version.</param>
public sealed record ServerIdentity(string Id, string Host, int ProcessId, string Version)
{
    /// <summary>A fresh identity for this process.</summary>
    public static ServerIdentity Create()
    {
        var host = Environment.MachineName.ToLowerInvariant();
        var pid = Environment.ProcessId;
        var suffix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3));
        var version = typeof(ServerIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        return new ServerIdentity($"{host}:{pid}:{suffix}", host, pid, version.Split('+')[0]);
    }
}
