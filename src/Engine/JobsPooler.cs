namespace Jobs.Engine;

/// <summary>The connection pooler, if any, between the engine and PostgreSQL (see <see cref="JobsOptions.Pooler"/>).</summary>
public enum JobsPooler
{
    /// <summary>A direct connection: every session feature works.</summary>
    None,

    /// <summary>A pooler in session mode (PgBouncer's <c>pool_mode = session</c>): one server session per client connection.</summary>
    Session,

    /// <summary>
    /// A pooler in transaction mode (PgBouncer's <c>pool_mode = transaction</c>): consecutive transactions
    /// of one client connection may run on different server sessions, so nothing may outlive a transaction.
    /// </summary>
    Transaction,
}
