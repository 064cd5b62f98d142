using Dapper;
using Npgsql;

namespace Jobs.Dashboard.Bench;

/// <summary>
/// Fills migrated schemas with a realistic week of history: <c>jobs</c> jobs over seven days, most
/// succeeded, a tenth dead with a handful of distinct errors (the dead-letter groups), a backlog of
/// available, scheduled and retrying jobs, a few running on one live server, the per-minute
/// throughput the servers would have recorded, recurring schedules, 40 webhook endpoints with a day
/// of delivery attempts, and audit entries. One statement per table.
/// </summary>
internal static class Seed
{
    public static async Task RunAsync(NpgsqlDataSource database, string schema, string app, string operators, int jobs)
    {
        await using var connection = await database.OpenConnectionAsync();
        await connection.ExecuteAsync($"""
            insert into {schema}.server (id, host, pid, version, queues, workers, busy)
            values ('bench-1', 'bench', 1, 'bench', '{"{"}"default": 20, "payments": 10, "webhooks": 20{"}"}', 50, 50)
            """);
        await connection.ExecuteAsync(JobsSql(schema), new { jobs }, commandTimeout: 0);
        await connection.ExecuteAsync($"""
            insert into {schema}.job_stats (minute, queue, kind, succeeded, failed, dead)
            select m, k.queue, k.kind, 40 + (extract(minute from m)::int % 17), 2, (extract(minute from m)::int % 5 = 0)::int
              from generate_series(date_trunc('minute', now()) - interval '7 days', date_trunc('minute', now()), interval '1 minute') m
             cross join (values ('payments', 'payment.capture'), ('webhooks', 'webhook.deliver'), ('default', 'cache.warm'),
                                ('default', 'inventory.reconcile'), ('maintenance', 'backup.run')) k(queue, kind)
            """, commandTimeout: 0);
        await connection.ExecuteAsync($$"""
            insert into {{schema}}.schedule (name, cron, kind, args, next_fire_at, last_fire_at, last_job_id, declared)
            select 'schedule-' || n, '*/' || (n + 1) || ' * * * *', 'cache.warm', '{}', now() + interval '1 minute', now() - interval '1 minute',
                   (select max(id) from {{schema}}.job where kind = 'cache.warm'), true
              from generate_series(1, 12) n;
            insert into {{operators}}.audit (at, actor, actor_kind, action, target, job_count)
            select now() - g * interval '1 minute', 'operator-' || g % 5, 'operator', 'jobs.requeue', 'filter', g % 100
              from generate_series(1, 10000) g;
            """, commandTimeout: 0);
        await connection.ExecuteAsync(WebhooksSql(app), commandTimeout: 0);
        // As autovacuum would have left them: no vacuum of the seeded tables runs during the measurements.
        // One statement each: VACUUM cannot run inside the implicit transaction of a multi-statement batch.
        string[] tables = [$"{schema}.job", $"{schema}.job_stats", $"{operators}.audit", $"{schema}.schedule", $"{app}.webhook_endpoint",
            $"{app}.webhook_message", $"{app}.webhook_delivery", $"{app}.webhook_attempt", $"{app}.webhook_endpoint_hour"];
        foreach (var table in tables)
        {
            await connection.ExecuteAsync($"vacuum analyze {table}", commandTimeout: 0);
        }
    }

    // 40 endpoints (a few disabled), and 100,000 messages over the last day, each delivered to one
    // endpoint: nine in ten at the first attempt, the rest after a failed one.
    private static string WebhooksSql(string a) => $$"""
        insert into {{a}}.webhook_endpoint (url, description, secret, enabled, disabled_reason, disabled_at)
        select 'https://hooks.example/' || n, 'endpoint ' || n, '\x00'::bytea, n % 13 <> 0,
               case when n % 13 = 0 then 'The endpoint answered 410 Gone.' end, case when n % 13 = 0 then now() end
          from generate_series(1, 40) n;
        insert into {{a}}.webhook_message (id, event_type, payload, created_at)
        select 'msg_' || g, 'order.paid', jsonb_build_object('orderId', g), now() - (g * interval '864 milliseconds')
          from generate_series(1, 100000) g;
        insert into {{a}}.webhook_delivery (message_id, endpoint_id, job_id, status, attempts, last_status_code, last_attempt_at, delivered_at, created_at)
        select m.id, 1 + g % 40, g, 'delivered', 1 + (g % 10 = 0)::int, 200, m.created_at + interval '1 second',
               m.created_at + interval '1 second', m.created_at
          from generate_series(1, 100000) g join {{a}}.webhook_message m on m.id = 'msg_' || g;
        insert into {{a}}.webhook_attempt (message_id, endpoint_id, attempt, job_id, attempted_at, outcome, status_code, latency_ms, error)
        select d.message_id, d.endpoint_id, x.attempt, d.job_id, d.created_at + x.attempt * interval '1 second',
               case when x.attempt < d.attempts then 'failed' else 'delivered' end,
               case when x.attempt < d.attempts then 503 else 200 end, 45.0,
               case when x.attempt < d.attempts then 'Receiver answered 503 Service Unavailable' end
          from {{a}}.webhook_delivery d cross join lateral generate_series(1, d.attempts) x(attempt);
        """;

    // The state comes from the row number: per 1,000 rows, 650 succeeded, 100 dead, 20 cancelled,
    // 130 available, 60 scheduled, 30 retrying, 10 running-or-succeeded (running only for the first
    // 50 of them, as on a real 50-worker server).
    private static string JobsSql(string s) => $$"""
        insert into {{s}}.job (kind, queue, max_attempts, created_at, tags, correlation_id, partition_key, args,
                               errors, scheduled_at, state, attempt, attempted_at, attempted_by, finalized_at, server_id)
        select k.kind, k.queue, 5, t.created, k.tags, 'order-' || (g.i / 3), k.partition_key, k.args,
               case when st.state in ('dead', 'retrying') then jsonb_build_array(jsonb_build_object(
                    'attempt', st.attempt, 'at', t.created + interval '2 seconds', 'server', 'bench-1',
                    'type', e.type, 'error', e.message, 'duration_ms', 120.5,
                    'stack', e.type || ': ' || e.message || E'\n   at Jobs.Handlers.Handle(JobContext context)\n   at Jobs.Engine.Server.JobExecutor.RunAsync()'))
               end,
               case st.state when 'scheduled' then now() + (g.i % 86400) * interval '1 second'
                             when 'retrying' then now() + (g.i % 600) * interval '1 second'
                             else t.created end,
               st.state, st.attempt,
               case when st.attempt > 0 then t.created + interval '1 second' end,
               case when st.attempt > 0 then 'bench-1' end,
               case when st.state in ('succeeded', 'dead', 'cancelled') then t.created + interval '2 seconds' end,
               case when st.state = 'running' then 'bench-1' end
          from generate_series(1, @jobs) g(i)
         cross join lateral (select now() - interval '7 days' + (g.i::float8 / @jobs) * interval '7 days' as created) t
         cross join lateral (select case
                  when g.i % 1000 < 650 then 'succeeded'
                  when g.i % 1000 < 750 then 'dead'
                  when g.i % 1000 < 770 then 'cancelled'
                  when g.i % 1000 < 900 then 'available'
                  when g.i % 1000 < 960 then 'scheduled'
                  when g.i % 1000 < 990 then 'retrying'
                  when g.i < 5000 then 'running'
                  else 'succeeded' end as state) s0
         cross join lateral (select s0.state,
                  case s0.state when 'available' then 0 when 'scheduled' then 0 when 'retrying' then 2
                                when 'dead' then 5 when 'cancelled' then 1 else 1 end::smallint as attempt) st
         cross join lateral (select g.i % 5 as n, g.i % 7 as m) v
         cross join lateral (select
                  (array['payment.capture', 'webhook.deliver', 'cache.warm', 'inventory.reconcile', 'backup.run'])[v.n + 1] as kind,
                  (array['payments', 'webhooks', 'default', 'default', 'maintenance'])[v.n + 1] as queue,
                  case v.n when 0 then array['payments'] when 1 then array['webhooks', 'endpoint-' || g.i % 40]
                           when 3 then array['inventory'] when 4 then array['backups'] end as tags,
                  case v.n when 1 then 'endpoint-' || g.i % 40 when 3 then 'wh-' || g.i % 8 end as partition_key,
                  case v.n
                       when 0 then jsonb_build_object('paymentId', 'pay_' || g.i, 'amountMinor', 1000 + g.i % 9000, 'currency', 'EUR')
                       when 1 then jsonb_build_object('endpointId', g.i % 40, 'messageId', 'msg_' || g.i, 'eventType', 'order.paid')
                       when 2 then jsonb_build_object('target', 'catalog', 'keys', jsonb_build_array('sku-' || g.i))
                       when 3 then jsonb_build_object('warehouseId', 'wh-' || g.i % 8, 'snapshotId', 'count-' || g.i)
                       else jsonb_build_object('target', 'orders') end as args) k
         cross join lateral (select
                  (array['System.Net.Http.HttpRequestException', 'Jobs.Engine.Handlers.PermanentJobException', 'System.TimeoutException',
                         'Jobs.Webhooks.WebhookDeliveryException', 'System.Net.Http.HttpRequestException', 'System.Net.Http.HttpRequestException',
                         'System.Net.Http.HttpRequestException'])[v.m + 1] as type,
                  (array['Connection refused (127.0.0.1:9)', 'The gateway declined the capture: card_declined',
                         'The attempt timed out after 00:00:30', 'Receiver answered 500 Internal Server Error',
                         'Receiver answered 503 Service Unavailable', 'Receiver answered 503 Service Unavailable',
                         'Connection refused (127.0.0.1:9)'])[v.m + 1] as message) e
        """;
}
