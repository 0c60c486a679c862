using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Twin.Storage.Tests.Support;

/// <summary>A request the fake received.</summary>
public sealed record FakeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers,
    string Body, TimeSpan At)
{
    /// <summary>Status the fake answered.</summary>
    public int Status { get; init; }
}

/// <summary>
/// A loopback HTTP server (Kestrel on 127.0.0.1, free port) standing in for InfluxDB endpoints the Debian package
/// does not have (2.x <c>/api/v2/write</c>) and for answers a real server will not give on demand (429, 503, 5xx).
/// Records every request (gzip bodies decompressed); answers come from <see cref="Respond"/>.
/// </summary>
public sealed class FakeInflux : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private FakeInflux(WebApplication app) => _app = app;

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>Decides the answer: (status, body, extra headers). Default 204.</summary>
    public Func<FakeRequest, int, (int Status, string? Body, IReadOnlyDictionary<string, string>? Headers)> Respond { get; set; } =
        (_, _) => (204, null, null);

    /// <summary>When set, writes the whole answer itself (e.g. a body that never ends); <see cref="Respond"/> is not asked.</summary>
    public Func<HttpResponse, Task>? RespondRaw { get; set; }

    public Uri BaseUri { get; private set; } = null!;

    public static async Task<FakeInflux> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeInflux(app);
        int count = 0;
        app.Run(async context =>
        {
            var request = await fake.RecordAsync(context.Request);
            if (fake.RespondRaw is { } raw)
            {
                fake.Requests.Enqueue(request);
                await raw(context.Response);
                return;
            }
            var (status, body, headers) = fake.Respond(request, Interlocked.Increment(ref count));
            fake.Requests.Enqueue(request with { Status = status });
            context.Response.StatusCode = status;
            foreach (var (k, v) in headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[k] = v;
            }
            if (body is not null)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(body);
            }
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    /// <summary>The lines of a request body.</summary>
    public IEnumerable<string> BodyLines(FakeRequest r) => r.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The lines of all requests answered 2xx, in arrival order.</summary>
    public List<string> AcceptedLines() =>
        Requests.Where(r => r.Status is >= 200 and < 300).SelectMany(BodyLines).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<FakeRequest> RecordAsync(HttpRequest request)
    {
        Stream body = request.Body;
        if (request.Headers.ContentEncoding.ToString() == "gzip")
        {
            body = new GZipStream(body, CompressionMode.Decompress);
        }
        using var reader = new StreamReader(body, Encoding.UTF8);
        string text = await reader.ReadToEndAsync();
        var query = request.Query.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
        var headers = request.Headers.ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        return new FakeRequest(request.Method, request.Path.Value ?? "", query, headers, text, _clock.Elapsed);
    }
}
