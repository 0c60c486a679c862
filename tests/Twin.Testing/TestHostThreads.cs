namespace Twin.Testing;

/// <summary>
/// The thread-pool floor of a test host that runs simulated instruments. The firmware simulator's SCPI and trigger
/// servers, the test's MQTT client and the readers of child processes' output all run on the test host's pool; with
/// the pool's default minimum of one worker per core (two here) a few busy or blocked work items hold up every other
/// continuation until the pool injects a thread (about one per 0.5 s). The simulated SMU then answers a reading
/// 0.5–0.9 s late while its clock runs on: at 1200× that is up to 18 simulated minutes of charge with no reading
/// (measured: a probe's 5 ms delay took 520–950 ms in 6 of 6 runs of the restarted-driver test, which skipped 10–22
/// scheduled readings; with this floor, no late probe and no skipped reading in 3 of 3).
/// </summary>
public static class TestHostThreads
{
    /// <summary>Smallest number of pool worker threads a test host with simulated instruments keeps.</summary>
    public const int MinWorkers = 16;

    /// <summary>Raises the pool's minimum worker count to <see cref="MinWorkers"/> (never lowers it).</summary>
    public static void Raise()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        if (workers < MinWorkers) ThreadPool.SetMinThreads(MinWorkers, io);
    }
}
