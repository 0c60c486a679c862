using Twin.Messaging.Contracts;

namespace Twin.Messaging.Tests.Contracts;

public class SequenceTrackerTests
{
    private const long T0 = 1_700_000_000_000_000_000;
    private const long S = 1_000_000_000; // 1 s in ns
    private const long Now = T0 + 3600 * S;

    private static SequenceVerdict See(SequenceTracker t, long seq, long time) => t.Observe(seq, time, Now).Verdict;

    [Fact]
    public void Counts_gaps_and_drops_redeliveries()
    {
        var t = new SequenceTracker();
        Assert.Equal(SequenceVerdict.InOrder, See(t, 5, T0));
        Assert.Equal(SequenceVerdict.InOrder, See(t, 6, T0 + S));
        Assert.Equal(SequenceVerdict.Gap, See(t, 10, T0 + 5 * S));
        Assert.Equal(SequenceVerdict.Duplicate, See(t, 10, T0 + 5 * S));
        Assert.Equal(SequenceVerdict.Duplicate, See(t, 6, T0 + S));
        Assert.Equal(new SequenceCounts(3, 2, 1, 3, 0, 0), t.Counts);
        var resumed = new SequenceTracker(t.State, t.Counts);
        Assert.Equal(SequenceVerdict.Duplicate, See(resumed, 10, T0 + 5 * S));
        Assert.Equal(SequenceVerdict.InOrder, See(resumed, 11, T0 + 6 * S));
    }

    [Fact]
    public void A_repeated_timestamp_with_the_next_number_is_applied()
    {
        var t = new SequenceTracker();
        See(t, 1, T0);
        Assert.Equal(SequenceVerdict.InOrder, See(t, 2, T0));
    }

    [Fact]
    public void The_largest_sequence_number_is_rejected_and_the_source_continues()
    {
        var t = new SequenceTracker();
        for (int i = 1; i <= 100; i++) Assert.Equal(SequenceVerdict.InOrder, See(t, i, T0 + i * S));
        var d = t.Observe(long.MaxValue, T0 + 100 * S + S / 2, Now);
        Assert.Equal((SequenceVerdict.Rejected, SequenceRejection.SeqAhead), (d.Verdict, d.Rejection));
        Assert.Contains("lies more than 1,000,000 past the last seq 100; expected 101", d.Detail);
        for (int i = 101; i <= 200; i++) Assert.Equal(SequenceVerdict.InOrder, See(t, i, T0 + i * S));
        Assert.Equal(200, t.LastSeq);
        Assert.Equal(0, t.Counts.Duplicates);
    }

    [Fact]
    public void A_foreign_jump_within_the_window_does_not_make_the_source_vanish()
    {
        var t = new SequenceTracker();
        for (int i = 1; i <= 100; i++) See(t, i, T0 + i * S);
        // A foreign sample far ahead within the window, stamped between two of the source's samples.
        Assert.Equal(SequenceVerdict.Gap, See(t, 500_000, T0 + 100 * S + S / 2));
        // The source goes on: its numbers lie behind, its time ahead: a new session, applied (not duplicates).
        Assert.Equal(SequenceVerdict.NewSession, See(t, 101, T0 + 101 * S));
        for (int i = 102; i <= 200; i++) Assert.Equal(SequenceVerdict.InOrder, See(t, i, T0 + i * S));
        Assert.Equal(0, t.Counts.Duplicates);
        Assert.Equal(1, t.Counts.Sessions);
    }

    [Fact]
    public void A_source_interrupted_by_a_foreign_restart_resumes_its_own_numbers()
    {
        var t = new SequenceTracker();
        for (int i = 1; i <= 5_000_000; i += 1_000) See(t, i, T0 + i / 1_000 * S);
        long last = t.LastSeq!.Value;
        long lastTime = t.LastTimeUnixNs!.Value;
        // A foreign client "restarts" at seq 0.
        Assert.Equal(SequenceVerdict.NewSession, See(t, 0, lastTime + S / 2));
        // The real source continues where it was, far more than the window past the foreign 0.
        var d = t.Observe(last + 1, lastTime + S, Now);
        Assert.Equal(SequenceVerdict.ResumedSession, d.Verdict);
        Assert.Contains($"continues the earlier source session (last seq {last})", d.Detail);
        Assert.Equal(SequenceVerdict.InOrder, See(t, last + 2, lastTime + 2 * S));
        // A redelivery of the foreign sample is a duplicate now.
        Assert.Equal(SequenceVerdict.Duplicate, See(t, 0, lastTime + S / 2));
    }

    [Fact]
    public void A_restarted_driver_numbering_from_one_starts_a_new_session()
    {
        var t = new SequenceTracker();
        for (int i = 1; i <= 300; i++) See(t, i, T0 + i * S);
        var d = t.Observe(1, T0 + 400 * S, Now);
        Assert.Equal(SequenceVerdict.NewSession, d.Verdict);
        Assert.Contains("seq 1 at or below the last seq 300 with a later time", d.Detail);
        for (int i = 2; i <= 50; i++) Assert.Equal(SequenceVerdict.InOrder, See(t, i, T0 + (399 + i) * S));
        // Redeliveries of either run are duplicates.
        Assert.Equal(SequenceVerdict.Duplicate, See(t, 250, T0 + 250 * S));
        Assert.Equal(SequenceVerdict.Duplicate, See(t, 20, T0 + 419 * S));
    }

    [Fact]
    public void Time_must_not_run_backwards_nor_leap_a_day_ahead()
    {
        var t = new SequenceTracker();
        See(t, 1, T0 + 10 * S);
        var back = t.Observe(2, T0 + 9 * S, Now);
        Assert.Equal((SequenceVerdict.Rejected, SequenceRejection.TimeBackwards), (back.Verdict, back.Rejection));
        Assert.Contains("is 1 s before the cell's last applied sample", back.Detail);
        var ahead = t.Observe(2, Now + 25 * 3600 * S, Now);
        Assert.Equal((SequenceVerdict.Rejected, SequenceRejection.TimeAhead), (ahead.Verdict, ahead.Rejection));
        Assert.Contains("at most 24 h ahead expected", ahead.Detail);
        // Rejections leave the window where it was.
        Assert.Equal(SequenceVerdict.InOrder, See(t, 2, T0 + 11 * S));
        // A source whose clock runs ahead of the service's (an accelerated simulator) goes on in small steps.
        long sim = Now + 20 * 3600 * S;
        Assert.Equal(SequenceVerdict.InOrder, See(t, 3, Now + 20 * 3600 * S));
        for (int i = 4; i < 100; i++) Assert.Equal(SequenceVerdict.InOrder, See(t, i, sim += 600 * S));
    }

    [Fact]
    public void A_late_sample_into_a_gap_is_rejected_as_out_of_order_not_taken_for_a_duplicate()
    {
        var t = new SequenceTracker();
        See(t, 1, T0 + S);
        See(t, 2, T0 + 2 * S);
        Assert.Equal(SequenceVerdict.Gap, See(t, 5, T0 + 5 * S));
        var late = t.Observe(3, T0 + 3 * S, Now);
        Assert.Equal((SequenceVerdict.Rejected, SequenceRejection.OutOfOrder), (late.Verdict, late.Rejection));
        Assert.Contains("was skipped (gap 3–4)", late.Detail);
        Assert.Equal(SequenceVerdict.Duplicate, See(t, 2, T0 + 2 * S));
        // The gap is remembered across a restart.
        var resumed = new SequenceTracker(t.State, t.Counts);
        Assert.Equal(SequenceVerdict.Rejected, See(resumed, 4, T0 + 4 * S));
    }

    [Fact]
    public void Classify_records_nothing_until_told()
    {
        var t = new SequenceTracker();
        See(t, 1, T0);
        var d = t.Classify(2, T0 + S, Now);
        Assert.Equal(SequenceVerdict.InOrder, d.Verdict);
        Assert.Equal(1, t.LastSeq);
        t.Record(d, 2, T0 + S);
        Assert.Equal(2, t.LastSeq);
    }
}
