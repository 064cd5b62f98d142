using System.Collections.Concurrent;

namespace Jobs.Sandbox.Receiver;

/// <summary>
/// The webhook receivers' state, one inbox per name: what each received, and how it answers next
/// (a script of replies, then a standing reply, 200 by default). A receiver can be held: its
/// requests wait until released, to play an endpoint that hangs.
/// </summary>
public sealed class ReceiverState
{
    private readonly ConcurrentDictionary<string, Inbox> _inboxes = new(StringComparer.Ordinal);

    /// <summary>The next requests to <paramref name="name"/> get these replies, in order; later ones the standing reply.</summary>
    public void Script(string name, params ReceiverReply[] replies)
    {
        var inbox = InboxOf(name);
        lock (inbox)
        {
            foreach (var reply in replies)
            {
                inbox.Script.Enqueue(reply);
            }
        }
    }

    /// <summary>Every request to <paramref name="name"/> not covered by a script gets this reply.</summary>
    public void Always(string name, ReceiverReply reply)
    {
        var inbox = InboxOf(name);
        lock (inbox)
        {
            inbox.Standing = reply;
        }
    }

    /// <summary>Requests to <paramref name="name"/> wait (once recorded) until <see cref="Release"/>.</summary>
    public void Hold(string name)
    {
        var inbox = InboxOf(name);
        lock (inbox)
        {
            inbox.Gate ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Lets held requests to <paramref name="name"/> go on, and later ones pass.</summary>
    public void Release(string name)
    {
        var inbox = InboxOf(name);
        lock (inbox)
        {
            inbox.Gate?.TrySetResult();
            inbox.Gate = null;
        }
    }

    /// <summary>Forgets what <paramref name="name"/> received and how it answers.</summary>
    public void Reset(string name)
    {
        Release(name);
        _inboxes.TryRemove(name, out _);
    }

    /// <summary>What <paramref name="name"/> received, oldest first.</summary>
    public IReadOnlyList<ReceivedWebhook> Received(string name)
    {
        var inbox = InboxOf(name);
        lock (inbox)
        {
            return inbox.Received.ToList();
        }
    }

    /// <summary>When <paramref name="name"/> received its first request (since it was last reset), or null.</summary>
    public DateTimeOffset? FirstArrival(string name)
    {
        var inbox = InboxOf(name);
        lock (inbox)
        {
            return inbox.Received.Count > 0 ? inbox.Received[0].At : null;
        }
    }

    /// <summary>Requests to <paramref name="name"/> being answered now.</summary>
    public int InFlight(string name)
    {
        var inbox = InboxOf(name);
        lock (inbox)
        {
            return inbox.InFlight;
        }
    }

    /// <summary>The most requests to <paramref name="name"/> that were in flight at once.</summary>
    public int MaxInFlight(string name)
    {
        var inbox = InboxOf(name);
        lock (inbox)
        {
            return inbox.MaxInFlight;
        }
    }

    /// <summary>Records a request and decides its reply; call <see cref="Left"/> when it is answered.</summary>
    internal (ReceiverReply Reply, Task Gate) Arrived(ReceivedWebhook webhook)
    {
        var inbox = InboxOf(webhook.Name);
        lock (inbox)
        {
            inbox.Received.Add(webhook);
            inbox.InFlight++;
            inbox.MaxInFlight = Math.Max(inbox.MaxInFlight, inbox.InFlight);
            var reply = inbox.Script.TryDequeue(out var scripted) ? scripted : inbox.Standing;
            return (reply, inbox.Gate?.Task ?? Task.CompletedTask);
        }
    }

    internal void Left(string name)
    {
        var inbox = InboxOf(name);
        lock (inbox)
        {
            inbox.InFlight--;
        }
    }

    private Inbox InboxOf(string name) => _inboxes.GetOrAdd(name, _ => new Inbox());

    private sealed class Inbox
    {
        public List<ReceivedWebhook> Received { get; } = [];
        public Queue<ReceiverReply> Script { get; } = new();
        public ReceiverReply Standing { get; set; } = ReceiverReply.Ok;
        public TaskCompletionSource? Gate { get; set; }
        public int InFlight { get; set; }
        public int MaxInFlight { get; set; }
    }
}
