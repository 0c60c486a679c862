using Microsoft.Extensions.Time.Testing;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Twin.Drivers.Scpi;
using Twin.Testing;

namespace Twin.Drivers.Tests.Scpi;

/// <summary>The SCPI session against the simulated 2450 over TCP loopback.</summary>
public sealed class ScpiSessionTests
{
    [Fact]
    public async Task Identify_and_basic_queries()
    {
        await using var smu = await SimulatedSmu.StartAsync();
        await using var s = await smu.OpenSessionAsync();
        var id = await s.IdentifyAsync();
        Assert.Equal(new ScpiIdentity("KEITHLEY INSTRUMENTS", "MODEL 2450", "04512345", "1.7.12b"), id);
        Assert.Equal($"tcp://127.0.0.1:{smu.Server.Port}", s.Endpoint);
        await s.ResetAsync();
        await s.ClearStatusAsync();
        await s.WaitOperationCompleteAsync();
        await s.RunGroupAsync([":OUTP:SMOD HIMP", ":SENS:FUNC \"VOLT\""]);
        Assert.Equal(3.7, await s.QueryDoubleAsync(":MEAS:VOLT?"), 6);
        Assert.Equal("VOLT", await s.QueryAsync(":sour:func?"));
    }

    [Fact]
    public async Task Bad_command_sets_ESR_and_STB_bits_and_fills_the_error_queue()
    {
        await using var smu = await SimulatedSmu.StartAsync();
        await using var s = await smu.OpenSessionAsync();
        await s.WriteAsync(":SOUR:BOGUS 1");
        Assert.Equal(4, await s.ReadStatusByteAsync() & 4);        // error available
        Assert.Equal(32, await s.ReadEventStatusAsync());           // CME
        Assert.Equal(0, await s.ReadEventStatusAsync());            // *ESR? clears
        await s.WriteAsync(":SOUR:CURR 5");
        Assert.Equal(16, await s.ReadEventStatusAsync());           // EXE
        var errors = await s.ReadErrorsAsync();
        Assert.Equal([new ScpiError(-113, "Undefined header"), new ScpiError(-222, "Data out of range")], errors);
        Assert.Equal(0, await s.ReadStatusByteAsync() & 4);
        Assert.Empty(await s.ReadErrorsAsync());
    }

    [Fact]
    public async Task Group_errors_carry_the_instruments_text_and_injected_errors_show_up()
    {
        await using var smu = await SimulatedSmu.StartAsync();
        await using var s = await smu.OpenSessionAsync();
        var e = await Assert.ThrowsAsync<ScpiInstrumentException>(() => s.RunGroupAsync([":SOUR:FUNC CURR", ":SOUR:CURR 5"]));
        Assert.Contains("-222,\"Data out of range\"", e.Message);
        Assert.Contains(":SOUR:CURR 5", e.Message);
        Assert.Equal([":SOUR:FUNC CURR", ":SOUR:CURR 5"], e.Commands);
        Assert.Equal(-222, Assert.Single(e.Errors).Code);
        await Assert.ThrowsAsync<ArgumentException>(() => s.RunGroupAsync([":SOUR:FUNC?"]));

        smu.Faults.PushError(-350, "Queue overflow");
        smu.Faults.PushError(5005, "Interlock tripped");
        var errors = await s.ReadErrorsAsync();
        Assert.Equal([new ScpiError(-350, "Queue overflow"), new ScpiError(5005, "Interlock tripped")], errors);
        Assert.Equal(2, smu.Faults.ErrorsInjected);
    }

    [Fact]
    public async Task Timeout_then_resynchronisation_never_takes_a_late_reply()
    {
        // The session's timeouts run on a manual clock and the device holds its reply until released: the order of
        // timeout, late reply and resynchronisation is the test's, not the scheduler's.
        var time = new FakeTimeProvider();
        await using var smu = await SimulatedSmu.StartAsync();
        await using var s = await smu.OpenSessionAsync(new ScpiOptions { Timeout = TimeSpan.FromMilliseconds(600), Time = time });
        smu.Faults.SlowReplies = TimeSpan.FromMinutes(10);  // the device is busy until the test says otherwise
        var query = s.QueryAsync("*IDN?");
        await Wait.UntilAsync(() => smu.Faults.DelayedReplies >= 1, "the device to hold the reply to *IDN?");
        time.Advance(TimeSpan.FromMilliseconds(599));
        Assert.False(query.IsCompleted, "timed out before the session's clock reached the timeout");
        time.Advance(TimeSpan.FromMilliseconds(1));
        var e = await Assert.ThrowsAsync<ScpiTimeoutException>(() => query);
        Assert.Equal($"tcp://127.0.0.1:{smu.Server.Port}: no reply to '*IDN?' within 0.6 s", e.Message);
        Assert.Equal("*IDN?", e.Command);
        // The next query resynchronises first; the late *IDN? reply is released only once that has been sent.
        var next = s.QueryAsync(":SOUR:FUNC?");
        await Wait.UntilAsync(() => s.Log.Snapshot().Any(x => x.Direction == ScpiDirection.Sent && x.Text == "*OPC?;*OPC?"), "the resynchronisation query");
        smu.Faults.SlowReplies = TimeSpan.Zero;
        Assert.Equal("VOLT", await next);   // not the late *IDN? reply
        Assert.Equal("0", await s.QueryAsync(":OUTP?"));
        var log = s.Log.Snapshot();
        Assert.Contains(log, x => x.Direction == ScpiDirection.Event && x.Text == "resynchronised, 1 stale line(s) discarded");
        Assert.Equal(0, s.Reconnects);
    }

    [Fact]
    public async Task Resynchronisation_that_times_out_reconnects()
    {
        await using var smu = await SimulatedSmu.StartAsync();
        await using var s = await smu.OpenSessionAsync(new ScpiOptions { Timeout = TimeSpan.FromMilliseconds(1000) });
        // The device stays busy (every reply held back) until the session has given up resynchronising and re-opened
        // the link; only then does it answer again. No fixed busy time: a loaded machine fires timers late.
        var restored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        s.LinkEvent += e =>
        {
            if (!e.StartsWith("link restored", StringComparison.Ordinal)) return;
            smu.Faults.SlowReplies = TimeSpan.Zero;
            restored.TrySetResult();
        };
        smu.Faults.SlowReplies = TimeSpan.FromSeconds(60);
        await Assert.ThrowsAsync<ScpiTimeoutException>(() => s.QueryAsync("*IDN?"));
        var next = s.QueryAsync(":SOUR:FUNC?");   // resync times out after 1 s → reconnect → the query on the fresh link
        Assert.Equal("VOLT", await next);
        Assert.True(restored.Task.IsCompleted);
        Assert.Equal(1, s.Reconnects);
        var log = s.Log.Snapshot();
        Assert.Contains(log, x => x.Direction == ScpiDirection.Event && x.Text == "resynchronisation timed out; re-opening the link");
    }

    [Fact]
    public async Task Garbage_reply_is_a_protocol_error_and_the_next_query_works()
    {
        await using var smu = await SimulatedSmu.StartAsync();
        await using var s = await smu.OpenSessionAsync();
        smu.Faults.Garbage(1);
        var e = await Assert.ThrowsAsync<ScpiProtocolException>(() => s.QueryAsync("*IDN?"));
        Assert.Matches("byte 0x[89A-F][0-9A-F] at offset 0 is not printable ASCII", e.Message);
        Assert.Equal(1, smu.Faults.GarbageLinesInjected);
        Assert.Equal("MODEL 2450", (await s.IdentifyAsync()).Model);
    }

    [Fact]
    public async Task Dropped_link_is_reopened_and_the_query_retried()
    {
        await using var smu = await SimulatedSmu.StartAsync();
        await using var s = await smu.OpenSessionAsync();
        var events = new List<string>();
        s.LinkEvent += events.Add;
        await s.WriteAsync(":SOUR:FUNC CURR");
        await s.WaitOperationCompleteAsync();                 // the setting is applied before the fault is armed
        smu.Faults.DropLinkAfter(0);                          // the next line closes the connection unanswered
        Assert.Equal("CURR", await s.QueryAsync(":SOUR:FUNC?"));
        Assert.Equal(1, s.Reconnects);
        Assert.Equal(2, smu.Server.ConnectionsAccepted);
        Assert.StartsWith("link lost:", events[0]);
        Assert.Equal("link restored after 1 attempt", events[^1]);

        smu.Faults.DropLinkNow();                             // while idle
        Assert.Equal("MODEL 2450", (await s.IdentifyAsync()).Model);
        Assert.Equal(2, s.Reconnects);
    }

    [Fact]
    public async Task Lost_link_that_cannot_be_restored_says_so()
    {
        var smu = await SimulatedSmu.StartAsync();
        await using var s = await smu.OpenSessionAsync(new ScpiOptions { ReconnectAttempts = 2, ReconnectDelay = TimeSpan.FromMilliseconds(20) });
        await smu.DisposeAsync();
        var e = await Assert.ThrowsAsync<ScpiException>(() => s.QueryAsync("*IDN?"));
        Assert.Contains("link lost and not restored after 2 attempts", e.Message);
        Assert.Equal("*IDN?", e.Command);
    }

    [Fact]
    public async Task Binary_block_round_trip_matches_the_ascii_data()
    {
        await using var smu = await SimulatedSmu.StartAsync();
        await using var s = await smu.OpenSessionAsync();
        await s.RunGroupAsync([":OUTP:SMOD HIMP", ":SOUR:FUNC CURR", ":SOUR:CURR:VLIM 4.2", ":SOUR:CURR 0.1", ":SENS:FUNC \"VOLT\"", ":TRAC:CLE", ":OUTP ON"]);
        for (int i = 0; i < 3; i++) await s.QueryAsync(":READ?");
        Assert.Equal(3, (int)await s.QueryDoubleAsync(":TRAC:ACT? \"defbuffer1\""));
        string ascii = await s.QueryAsync(":TRAC:DATA? 1, 3, \"defbuffer1\", READ, SOUR, REL");
        double[] expected = [.. ascii.Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture))];
        Assert.Equal(9, expected.Length);
        Assert.Equal(3.8, expected[0], 9);   // 3.7 V + 0.1 A × 1 Ω
        Assert.Equal(0.1, expected[1], 9);

        await s.WriteAsync(":FORM:DATA REAL");
        byte[] block = await s.QueryBinaryBlockAsync(":TRAC:DATA? 1, 3, \"defbuffer1\", READ, SOUR, REL");
        Assert.Equal(72, block.Length);
        for (int i = 0; i < 9; i++) Assert.Equal(expected[i], BinaryPrimitives.ReadDoubleBigEndian(block.AsSpan(i * 8)), 8);

        await s.WriteAsync(":FORM:BORD SWAP");
        block = await s.QueryBinaryBlockAsync(":TRAC:DATA? 1, 1");
        Assert.Equal(expected[0], BinaryPrimitives.ReadDoubleLittleEndian(block), 9);
        await s.WriteAsync(":FORM:DATA ASC");
        Assert.Equal("ASC", await s.QueryAsync(":FORM:DATA?"));
        Assert.Contains(s.Log.Snapshot(), x => x.Direction == ScpiDirection.Received && x.Text == "<binary block, 72 bytes>");
    }

    [Fact]
    public async Task Command_log_records_commands_replies_and_events()
    {
        await using var smu = await SimulatedSmu.StartAsync();
        await using var s = await smu.OpenSessionAsync(new ScpiOptions { LogCapacity = 6 });
        await s.IdentifyAsync();
        await s.WriteAsync(":OUTP:SMOD HIMP");
        var log = s.Log.Snapshot();
        Assert.Equal(ScpiDirection.Event, log[0].Direction);
        Assert.Equal("link opened", log[0].Text);
        Assert.Equal((ScpiDirection.Sent, "*IDN?"), (log[1].Direction, log[1].Text));
        Assert.Equal(ScpiDirection.Received, log[2].Direction);
        Assert.StartsWith("KEITHLEY INSTRUMENTS,MODEL 2450", log[2].Text);
        Assert.NotNull(log[2].Elapsed);
        Assert.Equal(":OUTP:SMOD HIMP", log[3].Text);
        for (int i = 0; i < 5; i++) await s.WaitOperationCompleteAsync();
        log = s.Log.Snapshot();
        Assert.Equal(6, log.Count);                        // bounded
        Assert.Equal("1", log[^1].Text);
        var text = new StringWriter();
        s.Log.WriteTo(text);
        Assert.Contains(">> *OPC?", text.ToString());
        Assert.Contains("<< 1 (", text.ToString());
    }

    [Fact]
    public async Task First_exchange_opens_the_link_and_explicit_reconnect_is_counted()
    {
        await using var smu = await SimulatedSmu.StartAsync();
        await using var s = new ScpiSession(smu.Transport());
        Assert.Equal("1", await s.QueryAsync("*OPC?"));
        Assert.Equal(0, s.Reconnects);
        await s.ReconnectAsync();
        Assert.Equal(1, s.Reconnects);
        // the client's connect completes in the kernel before the server's accept loop has counted it: a reply on the
        // new link proves the server accepted it
        Assert.Equal("1", await s.QueryAsync("*OPC?"));
        Assert.Equal(2, smu.Server.ConnectionsAccepted);
    }

    [Fact]
    public async Task Opc_round_trips_are_cheap()
    {
        await using var smu = await SimulatedSmu.StartAsync();
        await using var s = await smu.OpenSessionAsync();
        for (int i = 0; i < 50; i++) await s.WaitOperationCompleteAsync();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < 500; i++) await s.WaitOperationCompleteAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"500 *OPC? round trips took {watch.Elapsed}");
    }
}
