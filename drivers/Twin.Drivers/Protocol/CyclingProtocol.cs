namespace Twin.Drivers.Protocol;

/// <summary>A parsed cycling protocol (see <see cref="ProtocolParser"/> for the language).</summary>
/// <param name="Origin">Where the text came from (file name or "step"); used in messages.</param>
/// <param name="Nodes">Top-level steps and loops in order.</param>
public sealed record CyclingProtocol(string Origin, IReadOnlyList<ProtocolNode> Nodes)
{
    /// <summary>Unrolls the loops lazily into the sequence of steps to execute.</summary>
    /// <returns>Steps numbered from 1, each with the iteration (from 1) of its outermost loop, 0 outside loops.</returns>
    public IEnumerable<ScheduledStep> Flatten()
    {
        int number = 0;
        foreach (ProtocolNode node in Nodes)
        {
            if (node is ProtocolLoop loop)
            {
                for (int i = 1; i <= loop.Count; i++)
                    foreach (ProtocolStep step in Unroll(loop.Body))
                        yield return new ScheduledStep(++number, step, i);
            }
            else if (node is ProtocolStep step)
            {
                yield return new ScheduledStep(++number, step, 0);
            }
        }
    }

    private static IEnumerable<ProtocolStep> Unroll(IReadOnlyList<ProtocolNode> nodes)
    {
        foreach (ProtocolNode node in nodes)
        {
            if (node is ProtocolStep step)
            {
                yield return step;
            }
            else if (node is ProtocolLoop loop)
            {
                for (int i = 0; i < loop.Count; i++)
                    foreach (ProtocolStep inner in Unroll(loop.Body))
                        yield return inner;
            }
        }
    }
}
