using System.Net.Http.Headers;
using System.Text;
using Twin.Storage.LineProtocol;

namespace Twin.Storage.Influx;

/// <summary>
/// Where and how to write: the server's base URL, the write API (<see cref="InfluxWriteApi.V1"/> <c>/write</c> with a
/// database, or <see cref="InfluxWriteApi.V2"/> <c>/api/v2/write</c> with org and bucket) and the credentials.
/// Immutable; <see cref="ToString"/> never shows secrets.
/// </summary>
public sealed class InfluxEndpoint
{
    private static readonly string[] KnownParameters = ["db", "rp", "u", "p", "org", "bucket", "token", "precision"];

    private InfluxEndpoint(Uri baseUri, InfluxWriteApi api, string? database, string? retentionPolicy, string? username,
        string? password, string? token, string? organization, string? bucket)
    {
        BaseUri = baseUri;
        Api = api;
        Database = database;
        RetentionPolicy = retentionPolicy;
        Username = username;
        Password = password;
        Token = token;
        Organization = organization;
        Bucket = bucket;
    }

    /// <summary>Server base URL ending in <c>/</c> (scheme, host, port and any path prefix of a reverse proxy).</summary>
    public Uri BaseUri { get; }

    /// <summary>Write endpoint used.</summary>
    public InfluxWriteApi Api { get; }

    /// <summary>Database (<see cref="InfluxWriteApi.V1"/>).</summary>
    public string? Database { get; }

    /// <summary>Retention policy (<see cref="InfluxWriteApi.V1"/>), or null for the default.</summary>
    public string? RetentionPolicy { get; }

    /// <summary>Username for HTTP Basic authentication (<see cref="InfluxWriteApi.V1"/>), or null.</summary>
    public string? Username { get; }

    /// <summary>Organization (<see cref="InfluxWriteApi.V2"/>), or null.</summary>
    public string? Organization { get; }

    /// <summary>Bucket (<see cref="InfluxWriteApi.V2"/>).</summary>
    public string? Bucket { get; }

    /// <summary>Whether a token is configured (its value is not exposed).</summary>
    public bool HasToken => Token is not null;

    internal string? Password { get; }

    internal string? Token { get; }

    /// <summary>An endpoint for <c>/write</c> (InfluxDB 1.x, 2.x/3.x compatibility API, VictoriaMetrics).</summary>
    /// <param name="baseUri">Server URL, e.g. <c>http://127.0.0.1:8086</c>.</param>
    /// <param name="database">Database (required).</param>
    /// <param name="retentionPolicy">Retention policy, or null for the default.</param>
    /// <param name="username">Username (HTTP Basic), or null.</param>
    /// <param name="password">Password, or null.</param>
    /// <param name="token">Token (<c>Authorization: Token …</c>, for 2.x/3.x compatibility), or null.</param>
    /// <exception cref="ArgumentException">Not an absolute http(s) URL, empty database, or both username and token.</exception>
    public static InfluxEndpoint V1(Uri baseUri, string database, string? retentionPolicy = null, string? username = null,
        string? password = null, string? token = null)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        if (string.IsNullOrEmpty(database))
        {
            throw new ArgumentException("the /write API needs a database (db)", nameof(database));
        }
        if (!string.IsNullOrEmpty(username) && !string.IsNullOrEmpty(token))
        {
            throw new ArgumentException("give either a username/password or a token, not both", nameof(token));
        }
        return new(NormaliseBase(baseUri), InfluxWriteApi.V1, database, NullIfEmpty(retentionPolicy), NullIfEmpty(username),
            password, NullIfEmpty(token), null, null);
    }

    /// <summary>An endpoint for <c>/api/v2/write</c> (InfluxDB 2.x, Cloud, 3.x).</summary>
    /// <param name="baseUri">Server URL, e.g. <c>http://127.0.0.1:8086</c>.</param>
    /// <param name="organization">Organization name (2.x requires it; 3.x ignores it), or null.</param>
    /// <param name="bucket">Bucket (required).</param>
    /// <param name="token">API token with write permission (required).</param>
    /// <exception cref="ArgumentException">Not an absolute http(s) URL, empty bucket or token.</exception>
    public static InfluxEndpoint V2(Uri baseUri, string? organization, string bucket, string token)
    {
        ArgumentNullException.ThrowIfNull(baseUri);
        if (string.IsNullOrEmpty(bucket))
        {
            throw new ArgumentException("the /api/v2/write API needs a bucket", nameof(bucket));
        }
        if (string.IsNullOrEmpty(token))
        {
            throw new ArgumentException("the /api/v2/write API needs a token (Authorization: Token …)", nameof(token));
        }
        return new(NormaliseBase(baseUri), InfluxWriteApi.V2, null, null, null, null, token, NullIfEmpty(organization), bucket);
    }

    /// <summary>
    /// Parses a URL: <c>http[s]://[user:pass@]host:port[/prefix][/write]?db=…[&amp;rp=…][&amp;u=…&amp;p=…][&amp;token=…]</c> for
    /// <see cref="InfluxWriteApi.V1"/>, or <c>http[s]://host:port[/prefix]/api/v2/write?[org=…&amp;]bucket=…[&amp;token=…]</c> for
    /// <see cref="InfluxWriteApi.V2"/>. A <c>precision</c> parameter is ignored (the writer sets it).
    /// </summary>
    /// <param name="url">The URL.</param>
    /// <param name="token">Token to use when the URL carries none, or null.</param>
    /// <exception cref="ArgumentException">Not an absolute http(s) URL, unknown query parameter, or missing db / bucket / token.</exception>
    public static InfluxEndpoint Parse(string url, string? token = null) =>
        FromOptions(new InfluxOptions { Url = url, Token = token });

    /// <summary>Builds an endpoint from configuration; explicit properties override those in <see cref="InfluxOptions.Url"/>.</summary>
    /// <param name="options">The options; <see cref="InfluxOptions.Url"/> is required.</param>
    /// <exception cref="ArgumentException">Missing or invalid URL, unknown query parameter, or missing db / bucket / token.</exception>
    public static InfluxEndpoint FromOptions(InfluxOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Url) || !Uri.TryCreate(options.Url.Trim(), UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"InfluxDB URL '{Redact(options.Url)}' is not an absolute http:// or https:// URL", nameof(options));
        }

        var query = ParseQuery(uri.Query);
        foreach (string key in query.Keys)
        {
            if (Array.IndexOf(KnownParameters, key) < 0)
            {
                throw new ArgumentException(
                    $"InfluxDB URL has unknown parameter '{key}' (known: {string.Join(", ", KnownParameters)})", nameof(options));
            }
        }
        string? Q(string k) => query.TryGetValue(k, out var v) && v.Length > 0 ? v : null;

        string path = uri.AbsolutePath;
        bool v2Path = path.EndsWith("/api/v2/write", StringComparison.Ordinal) || path.EndsWith("/api/v2/write/", StringComparison.Ordinal);
        string prefix = v2Path ? path[..path.LastIndexOf("/api/v2/write", StringComparison.Ordinal)]
            : path.EndsWith("/write", StringComparison.Ordinal) ? path[..^"/write".Length]
            : path.EndsWith("/write/", StringComparison.Ordinal) ? path[..^"/write/".Length]
            : path.TrimEnd('/');
        var baseUri = new UriBuilder(uri.Scheme, uri.Host, uri.Port, prefix + "/").Uri;

        string? user = null, password = null;
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            int colon = uri.UserInfo.IndexOf(':');
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
        }
        user = NullIfEmpty(options.Username) ?? Q("u") ?? user;
        password = options.Password ?? Q("p") ?? password;
        string? token = NullIfEmpty(options.Token) ?? Q("token");
        string? bucket = NullIfEmpty(options.Bucket) ?? Q("bucket");
        string? org = NullIfEmpty(options.Organization) ?? Q("org");
        string? database = NullIfEmpty(options.Database) ?? Q("db");

        if (v2Path || bucket is not null)
        {
            if (bucket is null)
            {
                throw new ArgumentException($"InfluxDB URL '{Redact(options.Url)}': /api/v2/write needs a bucket (?bucket=…)", nameof(options));
            }
            if (token is null)
            {
                throw new ArgumentException($"InfluxDB URL '{Redact(options.Url)}': /api/v2/write needs a token (Authorization: Token …)", nameof(options));
            }
            return V2(baseUri, org, bucket, token);
        }
        if (database is null)
        {
            throw new ArgumentException(
                $"InfluxDB URL '{Redact(options.Url)}' names no database: use ?db=… for /write (1.x API) or /api/v2/write?org=…&bucket=… with a token",
                nameof(options));
        }
        return V1(baseUri, database, NullIfEmpty(options.RetentionPolicy) ?? Q("rp"), user, user is null ? null : password, token);
    }

    /// <summary>
    /// The write URL with its query: <c>/write?db=…[&amp;rp=…]&amp;precision=ns|u|ms|s</c> or
    /// <c>/api/v2/write?[org=…&amp;]bucket=…&amp;precision=ns|us|ms|s</c>. Credentials are never put in the URL.
    /// </summary>
    /// <param name="precision">Unit of the timestamps in the body.</param>
    public Uri GetWriteUri(TimestampPrecision precision)
    {
        var sb = new StringBuilder(BaseUri.AbsoluteUri);
        if (Api == InfluxWriteApi.V2)
        {
            sb.Append("api/v2/write?");
            if (Organization is not null)
            {
                sb.Append("org=").Append(Uri.EscapeDataString(Organization)).Append('&');
            }
            sb.Append("bucket=").Append(Uri.EscapeDataString(Bucket!));
            sb.Append("&precision=").Append(precision.ToV2Parameter());
        }
        else
        {
            sb.Append("write?db=").Append(Uri.EscapeDataString(Database!));
            if (RetentionPolicy is not null)
            {
                sb.Append("&rp=").Append(Uri.EscapeDataString(RetentionPolicy));
            }
            sb.Append("&precision=").Append(precision.ToV1Parameter());
        }
        return new Uri(sb.ToString());
    }

    /// <summary>The <c>Authorization</c> header: <c>Token …</c> with a token, <c>Basic …</c> with a username, else null.</summary>
    public AuthenticationHeaderValue? GetAuthorization()
    {
        if (Token is not null)
        {
            return new AuthenticationHeaderValue("Token", Token);
        }
        if (Username is not null)
        {
            string pair = Username + ":" + (Password ?? "");
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        return null;
    }

    /// <summary>A description without secrets, e.g. <c>http://127.0.0.1:8086/write?db=twin (user admin)</c>.</summary>
    public override string ToString()
    {
        string target = Api == InfluxWriteApi.V2
            ? $"{BaseUri.AbsoluteUri}api/v2/write?{(Organization is null ? "" : $"org={Organization}&")}bucket={Bucket}"
            : $"{BaseUri.AbsoluteUri}write?db={Database}{(RetentionPolicy is null ? "" : $"&rp={RetentionPolicy}")}";
        string auth = Token is not null ? " (token)" : Username is not null ? $" (user {Username})" : "";
        return target + auth;
    }

    private static Uri NormaliseBase(Uri baseUri)
    {
        if (!baseUri.IsAbsoluteUri || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{Redact(baseUri.OriginalString)}' is not an absolute http:// or https:// URL", nameof(baseUri));
        }
        string path = baseUri.AbsolutePath.TrimEnd('/') + "/";
        return new UriBuilder(baseUri.Scheme, baseUri.Host, baseUri.Port, path).Uri;
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=');
            string key = Uri.UnescapeDataString((eq < 0 ? part : part[..eq]).Replace('+', ' '));
            string value = eq < 0 ? "" : Uri.UnescapeDataString(part[(eq + 1)..].Replace('+', ' '));
            result[key] = value;
        }
        return result;
    }

    // Removes user info and secret query parameters from a URL for messages.
    private static string Redact(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return "";
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return url.Length > 80 ? url[..80] + "…" : url;
        }
        var b = new UriBuilder(uri) { UserName = "", Password = "" };
        var q = ParseQuery(uri.Query);
        foreach (string secret in new[] { "p", "token" })
        {
            if (q.ContainsKey(secret))
            {
                q[secret] = "***";
            }
        }
        b.Query = string.Join("&", q.Select(kv => $"{kv.Key}={kv.Value}"));
        return b.Uri.ToString();
    }
}
