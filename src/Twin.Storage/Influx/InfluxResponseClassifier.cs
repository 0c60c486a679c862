using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Twin.Storage.Influx;

/// <summary>What one write attempt came to.</summary>
internal enum AttemptKind
{
    /// <summary>2xx: all lines written.</summary>
    Success,
    /// <summary>400, 413, 422: the data is refused (parse error, field type conflict, partial write, too large). Never retried as is.</summary>
    Rejected,
    /// <summary>429 or 503: overloaded; retried after <c>Retry-After</c> when given.</summary>
    Throttled,
    /// <summary>Other 5xx, 408, network error or timeout: retried with exponential backoff and jitter.</summary>
    Transient,
    /// <summary>401, 403, 404 (database/bucket not found), 405 and other answers a retry cannot fix by itself: retried slowly, surfaced as a configuration error.</summary>
    Configuration,
}

/// <summary>One attempt's outcome.</summary>
internal readonly record struct Attempt(AttemptKind Kind, int Status, string? Reason, TimeSpan? RetryAfter);

/// <summary>Maps InfluxDB write answers to retry decisions (InfluxDB HTTP API: 204 success, 400 bad data incl.
/// "partial write", 401/403 auth, 404 database/bucket not found, 413 too large, 422 rejected points (2.x),
/// 429/503 with Retry-After, 500 internal error).</summary>
internal static class InfluxResponseClassifier
{
    public static AttemptKind Classify(int status) => status switch
    {
        >= 200 and < 300 => AttemptKind.Success,
        400 or 413 or 422 => AttemptKind.Rejected,
        429 or 503 => AttemptKind.Throttled,
        408 or >= 500 => AttemptKind.Transient,
        _ => AttemptKind.Configuration,
    };

    /// <summary>The Retry-After delay (delta seconds or HTTP date), or null.</summary>
    public static TimeSpan? RetryAfter(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        if (header is null)
        {
            return null;
        }
        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header.Date is { } date)
        {
            var d = date - now;
            return d < TimeSpan.Zero ? TimeSpan.Zero : d;
        }
        return null;
    }

    /// <summary>The error text of an InfluxDB answer: <c>error</c> (1.x) or <c>message</c> (2.x/3.x) of a JSON body, else the body.</summary>
    public static string Reason(HttpStatusCode status, string? body, int maxLength)
    {
        string text = body?.Trim() ?? "";
        if (text.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (string name in new[] { "error", "message" })
                    {
                        if (doc.RootElement.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String)
                        {
                            text = e.GetString() ?? text;
                            break;
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: keep the raw text.
            }
        }
        if (text.Length == 0)
        {
            text = status.ToString();
        }
        return text.Length > maxLength ? text[..maxLength] + "…" : text;
    }
}
