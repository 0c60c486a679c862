using System.Collections.Concurrent;
using System.Text.Json;
using Twin.Drivers.Experiment;
using Twin.Messaging.Bus;
using Twin.Messaging.Contracts;
using Twin.Messaging.Security;

namespace Twin.Cli.Drive;

/// <summary>
/// What <c>twin drive</c> and <c>twin demo</c> print: every driver event as it happens, and a status line per cell
/// every few seconds (voltage, current, c_Li, zone) from the twin's state on the bus.
/// </summary>
internal sealed class DriveConsole : IAsyncDisposable
{
    private readonly TextWriter _out;
    private readonly ConcurrentDictionary<string, TwinStatePayload> _states = new(StringComparer.Ordinal);
    private readonly List<IAsyncDisposable> _subs = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _ticker;
    private readonly Lock _write = new();

    private DriveConsole(TextWriter output, TimeSpan period)
    {
        _out = output;
        _ticker = TickAsync(period);
    }

    /// <summary>Starts printing for the given cells; with a verifier only states signed by a twin key are shown.</summary>
    public static async Task<DriveConsole> StartAsync(IMessageBus bus, IEnumerable<(string Site, string Cell)> cells, TextWriter output, TimeSpan period,
        MessageVerifier? verifier = null)
    {
        var c = new DriveConsole(output, period);
        foreach (var (site, cell) in cells)
        {
            c._subs.Add(await bus.SubscribeAsync(TwinTopics.State(site, cell), QualityOfService.AtLeastOnce, (m, _) =>
            {
                if (verifier?.Verify(m, [SignerRole.Twin]) is { Accepted: false }) return ValueTask.CompletedTask; // the driver reports refusals
                var s = JsonSerializer.Deserialize(m.Payload.Span, TwinJsonContracts.Default.TwinStatePayload);
                if (s is not null) c._states[s.Cell] = s;
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false));
        }
        return c;
    }

    /// <summary>The latest twin state of a cell, if any.</summary>
    public TwinStatePayload? State(string cell) => _states.TryGetValue(cell, out var s) ? s : null;

    /// <summary>Prints one runner event; an <c>output</c> event (the instrument may still be on) is framed so that it stands out.</summary>
    public void Event(string cell, RunnerEvent e)
    {
        string line = $"{DateTime.Now:HH:mm:ss} {cell} [{e.Kind}] {e.Message}";
        if (e.Kind == RunnerEventKinds.Output && e.Message.StartsWith("WARNING", StringComparison.Ordinal)) line = $"!!!! {line} !!!!";
        lock (_write) _out.WriteLine(line);
    }

    private async Task TickAsync(TimeSpan period)
    {
        try
        {
            using var timer = new PeriodicTimer(period);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                foreach (var s in _states.Values.OrderBy(s => s.Cell, StringComparer.Ordinal))
                {
                    string line = $"{DateTime.Now:HH:mm:ss} {s.Cell} cycle {s.Cycle} step {s.Step}: V {s.VoltageV:0.0000} V, I {s.CurrentA * 1e3:0.000} mA, " +
                        $"c_Li {s.CLi:0.0000}, zone {s.Zone}, d_IL {s.DIlA:0.0000} Å, ε_aniso {s.EpsAniso:0.00e+0}";
                    lock (_write) _out.WriteLine(line);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops printing and unsubscribes.</summary>
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _ticker.ConfigureAwait(false);
        foreach (var s in _subs) await s.DisposeAsync().ConfigureAwait(false);
    }
}
