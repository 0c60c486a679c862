using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Twin.Core.Samples;
using Twin.Drivers.Experiment;
using Twin.Drivers.Triggers;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Mqtt;

namespace Twin.Service.Instruments;

/// <summary>
/// Publishes what a runner produces — telemetry, driver events, pattern records — on the bus (README.md, "Topics and payloads").
/// The runner hands messages to an unbounded in-memory queue and never waits for the broker: a slow or
/// restarting broker must not stall the sampling loop that enforces the limits. A publisher task drains the
/// queue in order; the MQTT client re-sends unacknowledged QoS 1 messages after a reconnect.
/// </summary>
public sealed class BusRunnerSink : IRunnerSink, IAsyncDisposable
{
    private readonly IMessageBus _bus;
    private readonly string _site;
    private readonly string _cell;
    private readonly string _instrument;
    private readonly ILogger _log;
    private readonly Channel<BusMessage> _queue = Channel.CreateUnbounded<BusMessage>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Task _publisher;
    private long _patternSeq;

    /// <summary>Creates the sink and starts its publisher task.</summary>
    /// <param name="bus">The bus.</param>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <param name="instrument">Instrument name for the telemetry payload (e.g. the endpoint).</param>
    /// <param name="log">Logger.</param>
    public BusRunnerSink(IMessageBus bus, string site, string cell, string instrument, ILogger log)
    {
        _bus = bus;
        _site = site;
        _cell = cell;
        _instrument = instrument;
        _log = log;
        _publisher = Task.Run(PublishLoopAsync);
    }

    /// <summary>Messages the broker refused (e.g. not authorized by its ACL); each is logged and reported to <see cref="EventObserver"/>, then dropped.</summary>
    public long RefusedByBroker => Interlocked.Read(ref _refusedByBroker);

    private long _refusedByBroker;

    /// <summary>Messages waiting to be published.</summary>
    public int Pending => _queue.Reader.Count;

    /// <summary>Optional observer of every event (e.g. console output of <c>twin drive</c>).</summary>
    public Action<RunnerEvent>? EventObserver { get; init; }

    /// <summary>Optional observer of every sample.</summary>
    public Action<RunnerSample>? SampleObserver { get; init; }

    /// <inheritdoc />
    public ValueTask OnSampleAsync(RunnerSample s, CancellationToken cancellationToken)
    {
        SampleObserver?.Invoke(s);
        var msg = new TelemetryMessage
        {
            Instrument = _instrument,
            Samples =
            [
                new TelemetrySample
                {
                    Seq = s.Seq, TimeUnixNs = s.TimeUnixNs, VoltageV = s.VoltageV, CurrentA = s.CurrentA, ChargeAh = s.ChargeAh,
                    Step = s.Step, Cycle = s.Cycle, Kind = s.Kind.Name(), TemperatureC = s.TemperatureC,
                },
            ],
        };
        Enqueue(new BusMessage(TwinTopics.Telemetry(_site, _cell), TwinPayloads.Serialize(msg)));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnEventAsync(RunnerEvent e, CancellationToken cancellationToken)
    {
        EventObserver?.Invoke(e);
        var payload = new DriverEventPayload { TimeUnixNs = e.TimeUnixNs, Kind = e.Kind, Step = e.Step, Message = e.Message };
        Enqueue(new BusMessage(TwinTopics.Event(_site, _cell), TwinPayloads.Serialize(payload)));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask OnPatternAsync(AcquiredPattern p, CancellationToken cancellationToken)
    {
        var record = new PatternRecord
        {
            PatternId = p.PatternId, Seq = Interlocked.Increment(ref _patternSeq), StartUnixNs = p.StartUnixNs, EndUnixNs = p.EndUnixNs,
            ExposureS = p.ExposureS, WavelengthA = p.WavelengthA, EnergyKeV = p.EnergyKeV, TwoThetaMinDeg = p.TwoThetaMinDeg,
            TwoThetaMaxDeg = p.TwoThetaMaxDeg, Detector = p.Detector, Uri = p.Uri, CLiMid = p.CLiMid,
        };
        Enqueue(new BusMessage(TwinTopics.Pattern(_site, _cell), TwinPayloads.Serialize(record)));
        return ValueTask.CompletedTask;
    }

    private void Enqueue(BusMessage m)
    {
        if (!_queue.Writer.TryWrite(m)) _log.LogError("driver sink closed; message on {Topic} not published", m.Topic);
    }

    private async Task PublishLoopAsync()
    {
        await foreach (var m in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var delay = TimeSpan.FromMilliseconds(100);
            while (true)
            {
                try
                {
                    await _bus.PublishAsync(m).ConfigureAwait(false);
                    break;
                }
                catch (MqttException e)
                {
                    // The broker refused this message (e.g. PUBACK "not authorized": the ACL does not let this client
                    // write the topic). Sending it again would be refused again and hold up everything behind it.
                    long refused = Interlocked.Increment(ref _refusedByBroker);
                    _log.LogError("the broker refused the message on {Topic}: {Error}", m.Topic, e.Message);
                    EventObserver?.Invoke(new RunnerEvent(UnixTime.NowNs(), RunnerEventKinds.Link, 0,
                        $"the broker refused the message on {m.Topic}: {e.Message} ({refused} refused so far; check the broker's ACL for this client)"));
                    break;
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException)
                {
                    // Keep the message and its order: retry until the bus takes it.
                    _log.LogWarning("publishing on {Topic} failed ({Error}); retrying in {Delay} ms", m.Topic, e.Message, (int)delay.TotalMilliseconds);
                    await Task.Delay(delay).ConfigureAwait(false);
                    delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
                }
            }
        }
    }

    /// <summary>Waits until every queued message was handed to the bus.</summary>
    /// <param name="timeout">Longest wait.</param>
    /// <returns>True when drained.</returns>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_queue.Reader.Count > 0 && DateTime.UtcNow < deadline) await Task.Delay(20).ConfigureAwait(false);
        return _queue.Reader.Count == 0;
    }

    /// <summary>Completes the queue and waits for the publisher to hand over what is left (up to 10 s).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAny(_publisher, Task.Delay(TimeSpan.FromSeconds(10))).ConfigureAwait(false);
    }
}
