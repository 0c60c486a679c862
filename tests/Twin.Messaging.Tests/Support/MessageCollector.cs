using System.Text;
using Twin.Messaging.Bus;
using Twin.Testing;

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

    /// <summary>Waits until at least <paramref name="count"/> messages arrived.</summary>
    /// <exception cref="TimeoutException">Fewer arrived in time (the message lists what did).</exception>
    public async Task<IReadOnlyList<BusMessage>> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        await Wait.UntilAsync(() => Count >= count, $"{count} message(s)", timeout, () => $"{Count}: {string.Join(", ", Payloads.Take(20))}");
        return Messages;
    }

    /// <summary>Waits until a message with this payload arrived (a marker sent after what is checked: per handler, messages arrive in order).</summary>
    /// <exception cref="TimeoutException">It did not arrive in time.</exception>
    public Task WaitForPayloadAsync(string payload) =>
        Wait.UntilAsync(() => Payloads.Contains(payload), $"the message '{payload}'", observed: () => string.Join(", ", Payloads.Take(20)));
}
