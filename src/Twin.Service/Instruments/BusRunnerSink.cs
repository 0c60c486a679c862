using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
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
/// queue in order; the MQTT client re-sends unacknowledged QoS 1 messages after a reconnect, and a publish that fails
/// (bus not connected, timed out) is retried by a Polly pipeline — exponential back-off from 100 ms to 5 s on the
/// sink's <see cref="TimeProvider"/>, without end — so nothing queued is skipped and the order holds.
/// </summary>
public sealed class BusRunnerSink : IRunnerSink, IAsyncDisposable
{
    private readonly IMessageBus _bus;
    private readonly string _site;
    private readonly string _cell;
    private readonly string _instrument;
    private readonly ILogger _log;
    // a message to publish, or (Message null) a flush marker completed when the publisher reaches it
    private readonly Channel<(BusMessage? Message, TaskCompletionSource? Reached)> _queue =
        Channel.CreateUnbounded<(BusMessage?, TaskCompletionSource?)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _retry;
    private readonly Task _publisher;
    private long _patternSeq;

    /// <summary>Creates the sink and starts its publisher task.</summary>
    /// <param name="bus">The bus.</param>
    /// <param name="site">Site id.</param>
    /// <param name="cell">Cell id.</param>
    /// <param name="instrument">Instrument name for the telemetry payload (e.g. the endpoint).</param>
    /// <param name="log">Logger.</param>
    /// <param name="time">Clock of the retry back-off and the waits of <see cref="FlushAsync"/> and <see cref="DisposeAsync"/>; the system clock when
    /// null. The broker runs in real time: a runner on an accelerated simulator clock still passes null here.</param>
    public BusRunnerSink(IMessageBus bus, string site, string cell, string instrument, ILogger log, TimeProvider? time = null)
    {
        _bus = bus;
        _site = site;
        _cell = cell;
        _instrument = instrument;
        _log = log;
        _time = time ?? TimeProvider.System;
        _retry = new ResiliencePipelineBuilder { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions
            {
                // Not a refusal by the broker (MqttException, handled below): the bus could not take it now.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is IOException or InvalidOperationException or TimeoutException),
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(5),
                UseJitter = false,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    _log.LogWarning("publishing failed ({Error}); retrying in {Delay} ms", args.Outcome.Exception?.Message, (int)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
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
        if (!_queue.Writer.TryWrite((m, null))) _log.LogError("driver sink closed; message on {Topic} not published", m.Topic);
    }

    private async Task PublishLoopAsync()
    {
        await foreach (var (m, reached) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (m is null)
            {
                reached!.TrySetResult();
                continue;
            }
            try
            {
                // Keep the message and its order: retried until the bus takes it.
                await _retry.ExecuteAsync(static (state, _) => state.Bus.PublishAsync(state.Message), (Bus: _bus, Message: m)).ConfigureAwait(false);
            }
            catch (MqttException e)
            {
                // The broker refused this message (e.g. PUBACK "not authorized": the ACL does not let this client
                // write the topic). Sending it again would be refused again and hold up everything behind it.
                long refused = Interlocked.Increment(ref _refusedByBroker);
                _log.LogError("the broker refused the message on {Topic}: {Error}", m.Topic, e.Message);
                EventObserver?.Invoke(new RunnerEvent(UnixTime.NowNs(), RunnerEventKinds.Link, 0,
                    $"the broker refused the message on {m.Topic}: {e.Message} ({refused} refused so far; check the broker's ACL for this client)"));
            }
        }
    }

    /// <summary>Waits until every message queued before the call was published (the bus took it: for MQTT QoS 1, its PUBACK came).</summary>
    /// <param name="timeout">Longest wait, on the sink's clock.</param>
    /// <returns>True when they were; false on timeout or when the sink is closed.</returns>
    public async Task<bool> FlushAsync(TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((null, reached))) return false;
        try
        {
            await reached.Task.WaitAsync(timeout, _time).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Completes the queue and waits for the publisher to hand over what is left (up to 10 s on the sink's clock).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        try
        {
            await _publisher.WaitAsync(TimeSpan.FromSeconds(10), _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _log.LogWarning("driver sink closed with {Count} message(s) not yet published", _queue.Reader.Count);
        }
    }
}
