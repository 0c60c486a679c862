using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Twin.Service.Ingest;

/// <summary>
/// How the ingest service writes to the store and the checkpoint: on the bus path a write that fails with an I/O error
/// (spool full, disk error) is retried by a Polly pipeline — exponential back-off from 100 ms to 5 s on the service's
/// <see cref="TimeProvider"/>, without end, each failure counted and logged — while the message stays unacknowledged, so
/// the broker holds it (back-pressure, nothing dropped); on the fail-fast path (HTTP, the embedded broker) the first
/// failure is a <see cref="StoreUnavailableException"/> (503 / no PUBACK).
/// </summary>
internal sealed class WriteRetry
{
    private static readonly ResiliencePropertyKey<string> What = new("twin.write");
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _log;
    private readonly Action _failed;

    /// <summary>Creates the pipeline.</summary>
    /// <param name="time">The service's clock.</param>
    /// <param name="log">Logs each failure.</param>
    /// <param name="failed">Counts each failure (the store-error metric).</param>
    public WriteRetry(TimeProvider time, ILogger log, Action failed)
    {
        _log = log;
        _failed = failed;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<IOException>(),
                BackoffType = DelayBackoffType.Exponential,
                Delay = TimeSpan.FromMilliseconds(100),
                MaxDelay = TimeSpan.FromSeconds(5),
                UseJitter = false,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    _failed();
                    _log.LogError("{What} failed, retrying in {Delay} ms: {Error}", args.Context.Properties.GetValue(What, "a write"),
                        (int)args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Runs a write: retried on the bus path, once on the fail-fast path.</summary>
    /// <param name="what">What is written, for the log (e.g. "cell c1: storing 10 sample(s)").</param>
    /// <param name="refusal">The start of the refusal's message (e.g. "the store cannot take the samples now").</param>
    /// <param name="attempt">One attempt; it must run to its end whoever goes away (a write given up on could still land).</param>
    /// <param name="failFast">True: no retry.</param>
    /// <param name="cancellationToken">Cancels waiting between attempts.</param>
    /// <returns>A task that completes when the write succeeded.</returns>
    /// <exception cref="StoreUnavailableException">Fail-fast and the write failed with an I/O error.</exception>
    public async Task RunAsync(string what, string refusal, Func<Task> attempt, bool failFast, CancellationToken cancellationToken)
    {
        if (failFast)
        {
            try
            {
                await attempt().ConfigureAwait(false);
                return;
            }
            catch (IOException e)
            {
                _failed();
                _log.LogError("{What} failed; refused, not acknowledged (HTTP 503, or no PUBACK from the embedded broker): {Error}", what, e.Message);
                throw new StoreUnavailableException($"{refusal}: {e.Message}", TwinIngestService.StoreRetryAfter, e);
            }
        }
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(What, what);
        try
        {
            await _pipeline.ExecuteAsync(static async (_, a) => await a().ConfigureAwait(false), context, attempt).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
