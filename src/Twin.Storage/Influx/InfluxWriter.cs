using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Twin.Storage.Internal;
using Twin.Storage.LineProtocol;

namespace Twin.Storage.Influx;

/// <summary>
/// Writes line protocol to InfluxDB over HTTP (<c>/write</c> or <c>/api/v2/write</c>, see <see cref="InfluxEndpoint"/>),
/// gzip-compressed while it is sent (nothing but the lines themselves is held in memory), through a Polly pipeline: a retry strategy without attempt limit (exponential backoff with
/// jitter for 5xx and network errors, <c>Retry-After</c> honoured on 429/503, a slow fixed delay for
/// configuration errors 401/403/404) around a circuit breaker. Data the server refuses (400 incl.
/// "partial write", 413, 422) is returned as <see cref="LineWriteResult.Rejected"/> and not retried; of an error answer only the
/// first <see cref="InfluxWriterOptions.MaxErrorBodyBytes"/> bytes are read.
/// </summary>
public sealed class InfluxWriter : ILineProtocolWriter, IDisposable
{
    private static readonly TimeSpan CircuitMargin = TimeSpan.FromMilliseconds(50);
    private readonly HttpClient _http;
    private readonly bool _ownsClient;
    private readonly InfluxWriterOptions _options;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline<Attempt> _pipeline;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly AuthenticationHeaderValue? _authorization;
    private long _retries;
    private volatile string? _lastError;
    private volatile bool _configurationError;

    /// <summary>Creates a writer.</summary>
    /// <param name="endpoint">Where to write.</param>
    /// <param name="options">HTTP/retry settings; null for defaults.</param>
    /// <param name="logger">Logger for failures and circuit changes; null for none.</param>
    /// <param name="handler">HTTP handler to use instead of a new <see cref="SocketsHttpHandler"/> (not disposed by the writer).</param>
    public InfluxWriter(InfluxEndpoint endpoint, InfluxWriterOptions? options = null, ILogger? logger = null, HttpMessageHandler? handler = null)
    {
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _options = options ?? new InfluxWriterOptions();
        _logger = logger ?? NullLogger.Instance;
        _authorization = endpoint.GetAuthorization();
        _ownsClient = handler is null;
        handler ??= new SocketsHttpHandler
        {
            ConnectTimeout = _options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            AutomaticDecompression = DecompressionMethods.None,
        };
        _http = new HttpClient(handler, disposeHandler: _ownsClient) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(_options.UserAgent);
        _pipeline = BuildPipeline();
    }

    /// <summary>The endpoint written to.</summary>
    public InfluxEndpoint Endpoint { get; }

    /// <inheritdoc/>
    public LineWriterStatus Status => new(_circuit.CircuitState, Interlocked.Read(ref _retries), _lastError, _configurationError);

    /// <inheritdoc/>
    public event EventHandler<LineWriterStatus>? StatusChanged;

    /// <summary>
    /// Sends one batch, retrying network errors, 5xx, 429/503 (after <c>Retry-After</c>) and configuration errors until it
    /// is written or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="lines">UTF-8 lines, each ending in <c>\n</c>.</param>
    /// <param name="lineCount">Lines in the batch (for logs).</param>
    /// <param name="precision">Unit of the timestamps (sent as the <c>precision</c> parameter).</param>
    /// <param name="cancellationToken">Stops retrying.</param>
    /// <returns>Written, or rejected (400/413/422) with the server's reason.</returns>
    /// <exception cref="OperationCanceledException">Cancelled before the batch was confirmed.</exception>
    public async ValueTask<LineWriteResult> WriteAsync(ReadOnlyMemory<byte> lines, int lineCount, TimestampPrecision precision,
        CancellationToken cancellationToken)
    {
        bool gzip = _options.Gzip && lines.Length >= _options.GzipMinimumBytes;
        var request = new Request(Endpoint.GetWriteUri(precision), lines, gzip, lineCount);
        var attempt = await _pipeline.ExecuteAsync(
            static (state, ct) => state.Writer.SendOnceAsync(state.Request, ct),
            (Writer: this, Request: request), cancellationToken).ConfigureAwait(false);
        if (attempt.Kind == AttemptKind.Success)
        {
            return attempt.Status == 204 ? LineWriteResult.Ok : new LineWriteResult(true, attempt.Status, null);
        }
        return new LineWriteResult(false, attempt.Status, attempt.Reason);
    }

    /// <summary>Encodes and writes points (a convenience for callers without a spool; no durability).</summary>
    /// <param name="points">The points.</param>
    /// <param name="lineProtocol">Encoding options; null for nanoseconds without unsigned fields.</param>
    /// <param name="cancellationToken">Stops retrying.</param>
    /// <returns>Written or rejected.</returns>
    /// <exception cref="ArgumentException">A point cannot be encoded with <paramref name="lineProtocol"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled before confirmation.</exception>
    public async ValueTask<LineWriteResult> WritePointsAsync(IReadOnlyList<LinePoint> points, LineProtocolOptions? lineProtocol = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(points);
        var encoder = new LineProtocolEncoder(lineProtocol);
        using var buffer = new PooledBufferWriter(points.Count * 128);
        encoder.Encode(points, buffer);
        return await WriteAsync(buffer.WrittenMemory, points.Count, encoder.Options.Precision, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disposes the HTTP client (and its handler when the writer created it).</summary>
    public void Dispose() => _http.Dispose();

    private async ValueTask<Attempt> SendOnceAsync(Request request, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(_options.RequestTimeout, _options.Time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        Attempt attempt;
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, request.Uri);
            message.Content = new LineProtocolContent(request.Body, request.Gzip);
            message.Headers.Authorization = _authorization;
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            var kind = InfluxResponseClassifier.Classify(status);
            if (kind == AttemptKind.Success)
            {
                attempt = new Attempt(kind, status, null, null);
            }
            else
            {
                // Only the start: InfluxDB echoes a line it cannot parse, which may be megabytes long.
                string body = await ReadStartAsync(response.Content, _options.MaxErrorBodyBytes, timeout.Token).ConfigureAwait(false);
                string reason = InfluxResponseClassifier.Reason(response.StatusCode, body, _options.MaxReasonLength);
                var retryAfter = InfluxResponseClassifier.RetryAfter(response.Headers.RetryAfter, _options.Time.GetUtcNow());
                attempt = new Attempt(kind, status, reason, retryAfter);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            attempt = new Attempt(AttemptKind.Transient, 0, $"no answer within {_options.RequestTimeout.TotalSeconds:0.#} s", null);
        }
        catch (HttpRequestException e)
        {
            attempt = new Attempt(AttemptKind.Transient, 0, e.InnerException?.Message ?? e.Message, null);
        }
        catch (IOException e)
        {
            attempt = new Attempt(AttemptKind.Transient, 0, e.Message, null);
        }
        Observe(attempt, request);
        return attempt;
    }

    /// <summary>The first <paramref name="maxBytes"/> bytes of a response body as text (the rest is never read).</summary>
    private static async Task<string> ReadStartAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[maxBytes];
            int length = 0;
            while (length < buffer.Length)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }
                length += n;
            }
            return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
        }
    }

    private void Observe(in Attempt attempt, Request request)
    {
        bool wasConfig = _configurationError;
        switch (attempt.Kind)
        {
            case AttemptKind.Success:
                _lastError = null;
                _configurationError = false;
                break;
            case AttemptKind.Rejected:
                _lastError = $"{attempt.Status}: {attempt.Reason}";
                _configurationError = false;
                break;
            case AttemptKind.Configuration:
                _lastError = $"InfluxDB at {Endpoint} answered {attempt.Status} ({(HttpStatusCode)attempt.Status}): {attempt.Reason} — " +
                             DescribeConfigurationError(attempt.Status) +
                             $"; the points stay in the spool and are retried every {_options.ConfigurationErrorRetryDelay.TotalSeconds:0.#} s";
                _configurationError = true;
                _logger.LogError("{Error}", _lastError);
                break;
            default:
                _lastError = attempt.Status == 0
                    ? $"InfluxDB at {Endpoint} unreachable: {attempt.Reason}"
                    : $"InfluxDB at {Endpoint} answered {attempt.Status}: {attempt.Reason}";
                _logger.LogWarning("Write of {Lines} lines failed, will retry: {Error}", request.Lines, _lastError);
                break;
        }
        if (wasConfig != _configurationError)
        {
            RaiseStatusChanged(_circuit.CircuitState);
        }
    }

    private static string DescribeConfigurationError(int status) => status switch
    {
        401 => "the credentials are missing or wrong (check username/password or token)",
        403 => "the user or token may not write here (check its permissions)",
        404 => "the database, bucket or organization does not exist, or the URL is wrong (create it or fix the endpoint)",
        405 => "the URL does not point at a write endpoint",
        _ => "check the endpoint configuration",
    };

    private void RaiseStatusChanged(CircuitState circuit)
    {
        var handler = StatusChanged;
        if (handler is null)
        {
            return;
        }
        try
        {
            handler(this, new LineWriterStatus(circuit, Interlocked.Read(ref _retries), _lastError, _configurationError));
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A StatusChanged handler failed");
        }
    }

    private ResiliencePipeline<Attempt> BuildPipeline()
    {
        var o = _options;
        return new ResiliencePipelineBuilder<Attempt> { TimeProvider = o.Time }
            .AddRetry(new RetryStrategyOptions<Attempt>
            {
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                MaxDelay = o.RetryMaxDelay,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is BrokenCircuitException ||
                    (args.Outcome.Exception is null && args.Outcome.Result.Kind is AttemptKind.Transient or AttemptKind.Throttled or AttemptKind.Configuration)),
                DelayGenerator = args => ValueTask.FromResult(DelayFor(args.Outcome)),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    if (args.Outcome.Exception is BrokenCircuitException)
                    {
                        _logger.LogDebug("Circuit open; next write attempt in {Delay}", args.RetryDelay);
                    }
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<Attempt>
            {
                FailureRatio = o.CircuitFailureRatio,
                MinimumThroughput = o.CircuitMinimumThroughput,
                SamplingDuration = o.CircuitSamplingDuration,
                BreakDuration = o.CircuitBreakDuration,
                StateProvider = _circuit,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is null
                        ? args.Outcome.Result.Kind is AttemptKind.Transient or AttemptKind.Throttled
                        : args.Outcome.Exception is not OperationCanceledException),
                OnOpened = args =>
                {
                    _logger.LogWarning("InfluxDB circuit opened for {Break}: {Error}", args.BreakDuration, _lastError);
                    RaiseStatusChanged(CircuitState.Open);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    RaiseStatusChanged(CircuitState.HalfOpen);
                    return default;
                },
                OnClosed = _ =>
                {
                    _logger.LogInformation("InfluxDB circuit closed: writes go through again");
                    RaiseStatusChanged(CircuitState.Closed);
                    return default;
                },
            })
            .Build();
    }

    private TimeSpan? DelayFor(Outcome<Attempt> outcome)
    {
        if (outcome.Exception is BrokenCircuitException broken)
        {
            // Wait out the break plus a margin: a retry landing a hair before the break ends would otherwise spin
            // on sub-millisecond delays until it does.
            var remaining = broken.RetryAfter is { } ra && ra > TimeSpan.Zero ? ra : TimeSpan.Zero;
            return remaining + CircuitMargin;
        }
        if (outcome.Exception is not null)
        {
            return null;
        }
        var attempt = outcome.Result;
        if (attempt.Kind == AttemptKind.Configuration)
        {
            return _options.ConfigurationErrorRetryDelay;
        }
        if (attempt.RetryAfter is { } retryAfter)
        {
            return retryAfter > _options.MaxRetryAfter ? _options.MaxRetryAfter : retryAfter;
        }
        return null;
    }

    private sealed record Request(Uri Uri, ReadOnlyMemory<byte> Body, bool Gzip, int Lines);
}
