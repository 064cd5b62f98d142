namespace Jobs.Testing;

/// <summary>
/// Job rows no enqueue path writes, planted with SQL: times past the year 9999 and before year 1,
/// infinities, error entries and metadata of every JSON shape, deep and odd arguments, hostile text.
/// The time check (job_times_valid) is dropped first, in the test's own schema, so that rows written
/// before it existed, or by hand, can be planted; every other constraint of the table holds.
/// </summary>
public static class HostileRows
{
    /// <summary>Plants the rows; returns each one's id by a name saying what is odd about it.</summary>
    /// <param name="schema">The test's schema.</param>
    /// <param name="kind">The kind of the rows (one known to the host under test); one row has an HTML kind instead.</param>
    public static async Task<IReadOnlyDictionary<string, long>> PlantAsync(TestSchema schema, string kind)
    {
        await schema.ExecuteAsync("alter table {s}.job drop constraint if exists job_times_valid");
        var rows = new Dictionary<string, string>
        {
            ["due in the year 20000"] = """
                insert into {s}.job (kind, queue, state, args, max_attempts, scheduled_at)
                values (@kind, 'default', 'scheduled', '{"tag": "far"}', 25, '20000-01-01 00:00:00+00')
                """,
            ["due at the end of 9999, rounded to 10000"] = """
                insert into {s}.job (kind, queue, state, args, max_attempts, scheduled_at, metadata)
                values (@kind, 'default', 'scheduled', '{"tag": "9999"}', 25, '9999-12-31 23:59:59.9999999+00', 'null')
                """,
            ["retrying at infinity with odd errors"] = """
                insert into {s}.job (kind, queue, state, args, max_attempts, attempt, created_at, attempted_at, attempted_by, scheduled_at, errors)
                values (@kind, 'default', 'retrying', '{"tag": "inf"}', 3, 1, '-infinity', '-infinity', 'w-1', 'infinity',
                        '[1, "plain text", null, [], {}, {"attempt": "two", "at": "garbage", "type": 5, "error": {"nested": true}, "duration_ms": 1e300}]')
                """,
            ["dead in the year 200000"] = """
                insert into {s}.job (kind, queue, state, args, max_attempts, attempt, attempted_at, attempted_by, finalized_at, errors, metadata)
                values (@kind, 'default', 'dead', '{"tag": "dead"}', 1, 1, '50000-06-01 00:00:00+00', 'w-1', '200000-01-01 00:00:00+00',
                        '[{"attempt": 1e30, "at": "99999-01-01T00:00:00Z", "server": 7, "type": null, "error": "<script>alert(1)</script>",
                          "stack": ["x"], "duration_ms": -1e300}]', '[1, 2, 3]')
                """,
            ["cancelled before Christ"] = """
                insert into {s}.job (kind, queue, state, args, max_attempts, created_at, scheduled_at, finalized_at, metadata)
                values (@kind, 'default', 'cancelled', '{"tag": "bc"}', 1, '4713-01-01 00:00:00+00 BC', '0001-01-01 00:00:00+00 BC',
                        '0500-01-01 00:00:00+00 BC', '"just a string"')
                """,
            ["running since the year 30000"] = """
                insert into {s}.job (kind, queue, state, args, max_attempts, attempt, attempted_at, attempted_by, server_id, metadata)
                values (@kind, 'default', 'running', '{"tag": "running"}', 2, 1, '30000-01-01 00:00:00+00', 'ghost', 'ghost',
                        '{"traceparent": 5, "tracestate": ["x"]}')
                """,
            ["available since 1000 BC"] = """
                insert into {s}.job (kind, queue, state, args, max_attempts, created_at, scheduled_at)
                values (@kind, 'default', 'available', '{"tag": "ancient"}', 5, '1000-01-01 00:00:00+00 BC', '1000-01-01 00:00:00+00 BC')
                """,
            ["succeeded with odd arguments"] = """
                insert into {s}.job (kind, queue, state, args, max_attempts, attempt, attempted_at, attempted_by, finalized_at, errors,
                                     metadata, tags, correlation_id, partition_key, idempotency_key, timeout_ms, priority)
                values (@kind, 'q:odd.-_', 'succeeded',
                        ('{"tag": "odd", "big": 1e400, "tiny": -1e-400, "text": "\u2028\u202e\ud834\udd1e e\u0301 <b>x</b>", "long": "'
                         || repeat('L', 100000) || '", "deep": ' || repeat('[', 200) || repeat(']', 200) || '}')::jsonb,
                        1, 1, now(), 'w-1', now(), '[]', (repeat('{"m": ', 100) || '1' || repeat('}', 100))::jsonb,
                        array[null, '', '<b>tag</b>', E'\u202e'], repeat('c', 10000), E'\u202epk', E'\u26a0\ufe0f key ' || gen_random_uuid(), 2147483647, -32768)
                """,
            ["args 62 levels deep, as deep as a response shows as JSON"] = """
                insert into {s}.job (kind, queue, state, args, max_attempts, scheduled_at, metadata)
                values (@kind, 'default', 'scheduled', ('{"d": ' || repeat('[', 61) || repeat(']', 61) || '}')::jsonb, 1, now() + interval '1 hour',
                        ('{"d": ' || repeat('[', 62) || repeat(']', 62) || '}')::jsonb)
                """,
            ["dead with a hostile kind and every error shape"] = """
                insert into {s}.job (kind, queue, state, args, max_attempts, attempt, attempted_at, attempted_by, finalized_at, errors)
                values ('<img src=x onerror=alert(1)>', 'default', 'dead', '{}', 32767, 32767, now(), 'w-1', now(),
                        ('[{"attempt": -5, "at": "2026-01-01T00:00:00Z", "type": "X", "error": "ok"}, 42, "text", null, [],
                           {"attempt": 2, "error": "' || repeat('e', 100000) || '"}, {}]')::jsonb)
                """,
            ["awaiting a parent that never existed, since the year 60000"] = """
                insert into {s}.job (kind, queue, state, args, max_attempts, created_at, scheduled_at, parent_id, continue_when)
                values (@kind, 'default', 'awaiting', '{"tag": "orphan"}', 3, '60000-01-01 00:00:00+00', 'infinity', 9223372036854775807, 'succeeded')
                """,
        };
        var ids = new Dictionary<string, long>();
        foreach (var (name, sql) in rows)
        {
            ids[name] = await schema.ScalarAsync<long>(sql.TrimEnd() + " returning id", new { kind });
        }
        return ids;
    }
}
