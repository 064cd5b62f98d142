using System.ComponentModel.DataAnnotations;
using Jobs.Dashboard.Security;

namespace Jobs.Dashboard;

/// <summary>The dashboard host's own options. Bound from <c>Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Dashboard";

    /// <summary>
    /// Failed sign-ins in a row as one username (known or not) from browsers that have not signed in
    /// as that user before; the one that reaches it refuses such browsers for that username (429) for
    /// <c>LockoutDuration</c>. A browser that signed in as the user holds a device cookie and is held
    /// back only by its own failures (as many), so an attacker cannot lock the user out. The default value is 5.
    /// </summary>
    [Range(1, 100)]
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>How long a username (for other browsers) or a device stays locked after <c>MaxFailedLogins</c>. The default value is 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Failed sign-ins in a row from one client address (after forwarded headers; an IPv6 client by
    /// its /64), whatever the usernames; the one that reaches it refuses that address (429) for
    /// <c>ClientLockoutDuration</c>, except browsers signing in as a user they hold a device cookie of.
    /// The default value is 10.
    /// </summary>
    [Range(1, 1000)]
    public int MaxFailedLoginsPerClient { get; set; } = 10;

    /// <summary>How long a client address stays locked after <c>MaxFailedLoginsPerClient</c>. The default value is 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ClientLockoutDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an operator stays signed in without activity. The default value is 8 hours.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The largest body the enqueue API accepts for one job, in bytes. The default value is 256 KiB.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxJobBodyBytes { get; set; } = 256 * 1024;

    /// <summary>The largest body the batch enqueue API accepts, in bytes. The default value is 8 MiB.</summary>
    [Range(1024, 512 * 1024 * 1024)]
    public long MaxBatchBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>The most jobs one batch enqueue may carry. The default value is 10,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchJobs { get; set; } = 10_000;

    /// <summary>
    /// Send cookies only over HTTPS (turn off only for local HTTP runs): pages requested over plain
    /// HTTP then answer 400 saying so. Behind a TLS-terminating proxy, see <c>ForwardedHeaders</c>.
    /// The default value is true.
    /// </summary>
    public bool SecureCookies { get; set; } = true;

    /// <summary>The proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are believed.</summary>
    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    /// <summary>
    /// On SIGTERM the dashboard stops taking connections and gives requests in flight this long to
    /// finish before it exits. The default value is 20 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
