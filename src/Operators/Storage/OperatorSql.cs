namespace Jobs.Operators.Storage;

/// <summary>
/// The operator tables' SQL, by name, for one schema: accounts, their sessions, API keys, the audit
/// log and the dashboard's key ring. Every statement Operators runs is here or in a migration.
/// </summary>
internal sealed class OperatorSql(string s)
{
    private const string OperatorColumns =
        "id, username, password_hash as passwordhash, role, created_at as createdat, created_by as createdby, disabled_at as disabledat, " +
        "failed_logins as failedlogins, locked_until as lockeduntil, last_login_at as lastloginat";

    public string FindOperator { get; } = $"select {OperatorColumns} from {s}.operator where username = @username";

    public string GetOperator { get; } = $"select {OperatorColumns} from {s}.operator where id = @id";

    public string ListOperators { get; } = $"select {OperatorColumns} from {s}.operator order by username";

    public string CreateOperator { get; } = $"""
        insert into {s}.operator (username, password_hash, role, created_by) values (@username, @hash, @role, @by) returning id
        """;

    public string SetOperatorRole { get; } = $"update {s}.operator set role = @role where id = @id";

    // A new password ends the account's sessions: whoever held one may have known the old password.
    public string SetOperatorPassword { get; } = $"""
        with ended as (
            update {s}.operator_session set ended_at = now(), end_reason = 'password changed' where operator_id = @id and ended_at is null
        )
        update {s}.operator set password_hash = @hash, failed_logins = 0, locked_until = null where id = @id
        """;

    // The same password in a newer hash format (at sign-in): sessions stay.
    public string RehashOperatorPassword { get; } = $"update {s}.operator set password_hash = @hash where id = @id";

    public string SetOperatorDisabled { get; } = $"""
        with ended as (
            update {s}.operator_session set ended_at = now(), end_reason = 'disabled' where operator_id = @id and ended_at is null and @disabled
        )
        update {s}.operator set disabled_at = case when @disabled then coalesce(disabled_at, now()) end where id = @id
        """;

    public string OperatorLoggedIn { get; } = $"update {s}.operator set failed_logins = 0, locked_until = null, last_login_at = now() where id = @id";

    // Counts a failed login; the one that reaches the limit locks the account, and a lock that ran
    // out starts the count again.
    public string OperatorLoginFailed { get; } = $"""
        update {s}.operator
           set failed_logins = case when locked_until is not null and locked_until <= now() then 1 else failed_logins + 1 end,
               locked_until = case when (case when locked_until is not null and locked_until <= now() then 1 else failed_logins + 1 end) >= @max
                                   then now() + @lockout_ms * interval '1 millisecond'
                                   when locked_until is not null and locked_until <= now() then null
                                   else locked_until end
         where id = @id
        returning locked_until
        """;

    // Sessions: a sign-in also drops the operator's sessions that ended or went idle long ago.
    public string StartOperatorSession { get; } = $"""
        with pruned as (
            delete from {s}.operator_session
             where operator_id = @operator and (ended_at < @now - interval '7 days' or last_seen_at < @now - interval '30 days')
        )
        insert into {s}.operator_session (operator_id, token_hash, created_at, last_seen_at) values (@operator, @hash, @now, @now)
        returning id
        """;

    // The request's one lookup: the open session by its token, with its account as it is now.
    public string FindOperatorSession { get; } = $"""
        select s.id as sessionid, s.created_at as sessioncreatedat, s.last_seen_at as lastseenat, o.*
          from {s}.operator_session s
         cross join lateral (select {OperatorColumns} from {s}.operator where id = s.operator_id) o
         where s.token_hash = @hash and s.ended_at is null and s.last_seen_at > @now - @idle_ms * interval '1 millisecond'
        """;

    // Written at most once a minute per session, like an API key's last use.
    public string TouchOperatorSession { get; } = $"""
        update {s}.operator_session set last_seen_at = @now where id = @id and ended_at is null and last_seen_at < @now - interval '1 minute'
        """;

    public string EndOperatorSession { get; } = $"""
        update {s}.operator_session set ended_at = @now, end_reason = 'signed out' where token_hash = @hash and ended_at is null
        """;

    private const string ApiKeyColumns =
        "id, name, prefix, key_hash as keyhash, role, kinds, queues, created_at as createdat, created_by as createdby, " +
        "revoked_at as revokedat, last_used_at as lastusedat";

    public string CreateApiKey { get; } = $"""
        insert into {s}.api_key (name, prefix, key_hash, role, kinds, queues, created_by)
        values (@name, @prefix, @hash, @role, @kinds, @queues, @by) returning id
        """;

    public string FindApiKey { get; } = $"select {ApiKeyColumns} from {s}.api_key where prefix = @prefix";

    public string ListApiKeys { get; } = $"select {ApiKeyColumns} from {s}.api_key order by created_at desc, id desc";

    public string RevokeApiKey { get; } = $"update {s}.api_key set revoked_at = now() where id = @id and revoked_at is null";

    // Written at most once a minute per key, so a busy client does not write on every call.
    public string ApiKeyUsed { get; } = $"""
        update {s}.api_key set last_used_at = now() where id = @id and (last_used_at is null or last_used_at < now() - interval '1 minute')
        """;

    public string AddAudit { get; } = $"""
        insert into {s}.audit (actor, actor_kind, action, target, job_count, details) values (@actor, @kind, @action, @target, @count, @details::jsonb)
        """;

    public string ListAudit { get; } = $"""
        select id, at, actor, actor_kind as actorkind, action, target, job_count as jobcount, details::text as details
          from {s}.audit where @before is null or id < @before order by id desc limit @limit
        """;

    // The dashboard's data protection key ring (DatabaseKeyRing): rows are only added, read in order.
    public string ListDataProtectionKeys { get; } = $"select xml from {s}.data_protection_key order by id";

    public string AddDataProtectionKey { get; } = $"insert into {s}.data_protection_key (friendly_name, xml) values (@name, @xml)";
}
