using Jobs.Engine.Client;

namespace Jobs.Engine.Storage;

/// <summary>
/// Synchronous enqueues of one job each, made by many threads at once (Hangfire's client in a busy
/// web application), combined into one insert and one commit. A caller that finds no insert in
/// flight inserts its job at once, alone; callers that arrive meanwhile queue up, and when the insert
/// returns the first of them inserts everything queued in one statement, for all of them. Each caller
/// still returns only once its own job committed, with its own id, and its job carries its own flow's
/// correlation id and trace (taken on its thread). A batch refused as a whole (one job's options
/// or the database's checks) is inserted again job by job, so that only the refused job's caller
/// sees the error, worded as for a job enqueued alone. Nothing waits for company: a lone caller costs what it did before.
/// </summary>
internal sealed class EnqueueCombiner(JobStore store)
{
    private readonly object _gate = new();
    private List<Waiter> _queued = [];
    private bool _inserting;

    public EnqueuedJob Enqueue(JobRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var waiter = new Waiter(request, EnqueueContext.Current());
        bool leads;
        lock (_gate)
        {
            _queued.Add(waiter);
            leads = !_inserting;
            _inserting = true;
        }
        if (!leads)
        {
            waiter.Turn.Wait();
            if (waiter.Done)
            {
                return waiter.Result();
            }
        }
        // This caller inserts: its own job and every job queued until now.
        List<Waiter> batch;
        lock (_gate)
        {
            batch = _queued;
            _queued = [];
        }
        Insert(batch);
        lock (_gate)
        {
            if (_queued.Count > 0)
            {
                _queued[0].Turn.Set(); // the first to queue meanwhile inserts the next batch
            }
            else
            {
                _inserting = false;
            }
        }
        return waiter.Result();
    }

    private void Insert(List<Waiter> batch)
    {
        try
        {
            var results = store.Enqueue(batch.Select(w => w.Request).ToList(), batch.Select(w => w.Context).ToList());
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Complete(results[i], null);
            }
        }
        catch (ArgumentException) when (batch.Count > 1)
        {
            // One job the database refused fails the whole statement: each on its own, then.
            foreach (var waiter in batch)
            {
                try
                {
                    waiter.Complete(store.Enqueue([waiter.Request], [waiter.Context])[0], null);
                }
                catch (Exception e)
                {
                    waiter.Complete(default, e);
                }
            }
        }
        catch (Exception e)
        {
            foreach (var waiter in batch)
            {
                waiter.Complete(default, e);
            }
        }
    }

    private sealed class Waiter(JobRequest request, EnqueueContext context)
    {
        private EnqueuedJob _result;
        private Exception? _error;

        public JobRequest Request { get; } = request;

        public EnqueueContext Context { get; } = context;

        /// <summary>Set when the job is done (<see cref="Done"/>), or when this caller is to insert the next batch.</summary>
        public ManualResetEventSlim Turn { get; } = new(false, spinCount: 0);

        public bool Done { get; private set; }

        public void Complete(EnqueuedJob result, Exception? error)
        {
            _result = result;
            _error = error;
            Done = true;
            Turn.Set();
        }

        public EnqueuedJob Result()
        {
            Turn.Dispose();
            if (_error is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_error);
            }
            return _result;
        }
    }
}
