using System.Diagnostics;

namespace Twin.Testing;

/// <summary>
/// The one way tests wait for something to happen: poll a condition until it holds, and fail with a message that
/// says what was awaited and what was last seen. The timeout only bounds how long a broken test hangs — it is not
/// part of what the test asserts, so it is generous (a loaded CI machine must never reach it when the code is
/// right). Never sleep a fixed time to "let things settle": wait for the observable effect instead.
/// </summary>
public static class Wait
{
    /// <summary>How long a wait lasts unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Longest pause between two polls; the first pauses are shorter (1, 2, 4, 8, 16 ms) so a quick effect is seen quickly.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls <paramref name="condition"/> until it returns true.</summary>
    /// <param name="condition">The condition; exceptions from it fail the wait at once.</param>
    /// <param name="what">What is awaited, for the failure message ("the service to store seq 42").</param>
    /// <param name="timeout">Upper bound (default <see cref="DefaultTimeout"/>).</param>
    /// <param name="observed">Describes the state seen last, appended to the failure message.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the condition holds.</returns>
    /// <exception cref="TimeoutException">The condition did not hold in time.</exception>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null, Func<string>? observed = null,
        CancellationToken cancellationToken = default) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout, observed, cancellationToken);

    /// <summary>Polls an asynchronous <paramref name="condition"/> until it returns true.</summary>
    /// <param name="condition">The condition; exceptions from it fail the wait at once.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="timeout">Upper bound (default <see cref="DefaultTimeout"/>).</param>
    /// <param name="observed">Describes the state seen last, appended to the failure message.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the condition holds.</returns>
    /// <exception cref="TimeoutException">The condition did not hold in time.</exception>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Func<string>? observed = null,
        CancellationToken cancellationToken = default)
    {
        var limit = timeout ?? DefaultTimeout;
        var clock = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            if (await condition().ConfigureAwait(false)) return;
            if (clock.Elapsed >= limit)
            {
                string seen = observed is null ? "" : "; last seen: " + observed();
                throw new TimeoutException($"waited {limit.TotalSeconds:0.#} s for {what}, in vain{seen}");
            }
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
            if (pause < PollInterval) pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, PollInterval.Ticks));
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it returns a value that satisfies <paramref name="accept"/>, and returns it.</summary>
    /// <typeparam name="T">What is probed.</typeparam>
    /// <param name="probe">Reads the current value; exceptions from it fail the wait at once.</param>
    /// <param name="accept">True for the value awaited.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="timeout">Upper bound (default <see cref="DefaultTimeout"/>).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The first accepted value.</returns>
    /// <exception cref="TimeoutException">No accepted value in time; the message shows the last one.</exception>
    public static async Task<T> ForAsync<T>(Func<Task<T>> probe, Func<T, bool> accept, string what, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        T last = default!;
        await UntilAsync(async () => accept(last = await probe().ConfigureAwait(false)), what, timeout, () => $"{last}", cancellationToken)
            .ConfigureAwait(false);
        return last;
    }
}
