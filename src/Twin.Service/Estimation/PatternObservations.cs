using System.Globalization;
using Twin.Core.Cells;
using Twin.Core.Diffraction;
using Twin.Core.Estimation;
using Twin.Core.Lattice;
using Twin.Messaging.Contracts;

namespace Twin.Service.Estimation;

/// <summary>
/// A cell's diffraction patterns as measurements of c_Li: each record's lattice (<see cref="PatternLattice"/>) is
/// inverted through the material's lattice model (<see cref="LatticeInversion"/>, σ from the fit and the model's own
/// systematic σ) and offered to the twin's estimator at mid-exposure; the record gets what happened. A pattern that
/// overtook the telemetry of its mid-exposure waits (<see cref="Pending"/>) and is offered when the samples reach it.
/// The ids of recent patterns are kept so that a redelivered record is not applied twice. Not thread-safe: used under
/// the cell's lock; the pending records and ids go into the cell's checkpoint.
/// </summary>
public sealed class PatternObservations
{
    /// <summary>Most patterns waiting for their samples; the oldest is dropped (logged) beyond it.</summary>
    public const int MaxPending = 32;

    /// <summary>Pattern ids remembered for redelivery.</summary>
    public const int RememberedIds = 256;

    private static readonly CultureInfo Ci = CultureInfo.InvariantCulture;
    private readonly LatticeInversion _inversion;
    private readonly List<PatternRecord> _pending = [];
    private readonly Queue<string> _ids = new();
    private readonly HashSet<string> _idSet = new(StringComparer.Ordinal);

    /// <summary>Creates the observations of a material.</summary>
    /// <param name="model">The material's lattice model.</param>
    public PatternObservations(LatticeModel model)
    {
        Fitter = new PatternFitter(model);
        _inversion = new LatticeInversion(model);
    }

    /// <summary>The material's pattern fitter (thread-safe: used outside the lock by <see cref="PatternLattice.Resolve"/>).</summary>
    public PatternFitter Fitter { get; }

    /// <summary>Records waiting for samples up to their mid-exposure, oldest first.</summary>
    public IReadOnlyList<PatternRecord> Pending => _pending;

    /// <summary>Recent pattern ids, oldest first.</summary>
    public IEnumerable<string> Ids => _ids;

    /// <summary>Restores pending records and ids from a checkpoint (nulls: none).</summary>
    /// <param name="pending">Pending records.</param>
    /// <param name="ids">Recent ids.</param>
    public void Restore(IEnumerable<PatternRecord>? pending, IEnumerable<string>? ids)
    {
        _pending.Clear();
        _pending.AddRange(pending ?? []);
        _ids.Clear();
        _idSet.Clear();
        foreach (var id in ids ?? []) Remember(id);
    }

    /// <summary>True when a record with this id was handled already (a redelivery).</summary>
    /// <param name="patternId">The id.</param>
    /// <returns>True when seen.</returns>
    public bool Seen(string patternId) => _idSet.Contains(patternId);

    /// <summary>Inverts a record's lattice and offers c_Li to the twin; remembers its id.</summary>
    /// <param name="p">The record (c_li_mid filled in).</param>
    /// <param name="lattice">Its resolved lattice.</param>
    /// <param name="twin">The cell's twin.</param>
    /// <param name="countedAtMid">Counted c_Li at mid-exposure (NaN when unknown).</param>
    /// <param name="dropped">A pending record dropped to make room, or null.</param>
    /// <returns>The record to store, with the service's fields filled in.</returns>
    public PatternRecord Offer(PatternRecord p, PatternLattice lattice, CellTwin twin, double countedAtMid, out PatternRecord? dropped)
    {
        dropped = null;
        Remember(p.PatternId);
        var r = p with
        {
            LatticeSource = lattice.Source,
            AA = lattice.Lattice?.AA, ASigmaA = lattice.Lattice?.ASigmaA, CA = lattice.Lattice?.CA, CSigmaA = lattice.Lattice?.CSigmaA,
            CLiLattice = null, CLiLatticeSigma = null, InnovationSigmas = null,
            CLiCounted = Finite(countedAtMid), CLiEstimate = twin.CLi, CLiEstimateSigma = twin.Estimator.Sigma,
        };
        if (lattice.Lattice is not { } measured)
            return r with { FitStatus = (lattice.Status ?? PatternStatus.NoLattice).Name(lattice.Failure), FitReason = lattice.Message };
        var inv = _inversion.Invert(measured);
        if (!inv.IsInvertible)
            return r with { FitStatus = PatternStatus.NotInvertible.Name(), FitReason = $"{lattice.Message}; {inv.Message}" };
        r = r with { CLiLattice = inv.CLi, CLiLatticeSigma = inv.Sigma, FitReason = inv.Message };
        var done = Apply(r, twin);
        if (done.FitStatus != PatternStatus.AwaitingSamples.Name()) return done;
        _pending.Add(done);
        if (_pending.Count > MaxPending)
        {
            dropped = _pending[0];
            _pending.RemoveAt(0);
        }
        return done;
    }

    /// <summary>Offers the pending records whose mid-exposure the samples have reached.</summary>
    /// <param name="twin">The cell's twin (samples applied).</param>
    /// <param name="countedAt">Counted c_Li at a time, ns since the Unix epoch (NaN when unknown).</param>
    /// <returns>The records offered now, to store again with their outcome (empty when none).</returns>
    public IReadOnlyList<PatternRecord> OfferPending(CellTwin twin, Func<long, double> countedAt)
    {
        if (_pending.Count == 0) return [];
        List<PatternRecord>? done = null;
        for (int i = 0; i < _pending.Count; i++)
        {
            var p = _pending[i];
            var r = Apply(p with { CLiCounted = Finite(countedAt(Mid(p))) }, twin);
            if (r.FitStatus == PatternStatus.AwaitingSamples.Name()) continue;
            (done ??= []).Add(r);
            _pending.RemoveAt(i--);
        }
        return (IReadOnlyList<PatternRecord>?)done ?? [];
    }

    /// <summary>Mid-exposure, ns since the Unix epoch.</summary>
    /// <param name="p">The record.</param>
    /// <returns>(start + end) / 2.</returns>
    public static long Mid(PatternRecord p) => p.StartUnixNs + (p.EndUnixNs - p.StartUnixNs) / 2;

    private static PatternRecord Apply(PatternRecord r, CellTwin twin)
    {
        var m = new LithiumMeasurement(Mid(r) / 1e9, r.CLiLattice!.Value, r.CLiLatticeSigma!.Value, LithiumMeasurementKind.Diffraction);
        var u = twin.Observe(m);
        var status = PatternStatusNames.Of(u.Status);
        string reason = r.FitReason ?? "";
        int cut = reason.IndexOf(" | ", StringComparison.Ordinal);
        if (cut >= 0) reason = reason[..cut];
        string verdict = status switch
        {
            PatternStatus.AwaitingSamples => "waiting for the samples of mid-exposure",
            PatternStatus.TooOld => "mid-exposure lies before the oldest sample the estimator remembers",
            _ when double.IsNaN(u.NormalizedInnovation) => status.Name(),
            _ => string.Create(Ci, $"{status.Name()}: predicted {u.PredictedCLi:0.####}, innovation {u.NormalizedInnovation:+0.0;-0.0} σ; estimate {u.CLiBefore:0.####} → {u.CLiAfter:0.####} ± {u.SigmaAfter:0.####}"),
        };
        return r with
        {
            FitStatus = status.Name(),
            FitReason = $"{reason} | {verdict}",
            CLiEstimate = u.CLiAfter,
            CLiEstimateSigma = u.SigmaAfter,
            InnovationSigmas = Finite(u.NormalizedInnovation),
        };
    }

    private void Remember(string id)
    {
        if (!_idSet.Add(id)) return;
        _ids.Enqueue(id);
        if (_ids.Count > RememberedIds) _idSet.Remove(_ids.Dequeue());
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
