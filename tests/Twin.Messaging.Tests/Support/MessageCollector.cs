using System.Text;
using Twin.Messaging.Bus;

namespace Twin.Messaging.Tests.Support;

/// <summary>A subscription handler that records messages and lets a test wait for them.</summary>
public sealed class MessageCollector
{
    private readonly List<BusMessage> _messages = [];

    /// <summary>The handler to pass to SubscribeAsync.</summary>
    public ValueTask Handle(BusMessage message, CancellationToken cancellationToken)
    {
        lock (_messages) _messages.Add(message);
        return ValueTask.CompletedTask;
    }

    /// <summary>Messages so far.</summary>
    public IReadOnlyList<BusMessage> Messages
    {
        get { lock (_messages) return [.. _messages]; }
    }

    /// <summary>Payloads so far as UTF-8 strings.</summary>
    public IReadOnlyList<string> Payloads => Messages.Select(m => Encoding.UTF8.GetString(m.Payload.Span)).ToList();

    /// <summary>Number of messages so far.</summary>
    public int Count
    {
        get { lock (_messages) return _messages.Count; }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived or the time ran out.</summary>
    public async Task<IReadOnlyList<BusMessage>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (Count < count && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        return Messages;
    }
}
