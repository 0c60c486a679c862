using Twin.Core.Cells;
using Twin.Core.Estimation;
using Twin.Core.Samples;
using Twin.Service.Alarms;
using Twin.Service.Ingest;
using Twin.Service.Security;
using Twin.Service.Settings;

namespace Twin.Service.Operations;

/// <summary>
/// The changes an operator makes while cells run: a cell's safety-window limits and cut-off policy, corrections of
/// its lithium content, and alarm acknowledgements. Each checks the role, takes effect, is made durable and is written to the audit log
/// before it returns.
/// </summary>
/// <param name="ingest">The running cells.</param>
/// <param name="alarms">The alarm book.</param>
/// <param name="settings">Durable settings overrides.</param>
/// <param name="audit">The audit log.</param>
public sealed class CellOperations(TwinIngestService ingest, AlarmBook alarms, SettingsStore settings, AuditLog audit)
{
    /// <summary>The alarm book.</summary>
    public AlarmBook Alarms => alarms;

    /// <summary>The audit log.</summary>
    public AuditLog Audit => audit;

    /// <summary>The settings a cell runs with now.</summary>
    /// <param name="cell">The cell.</param>
    /// <returns>Its settings.</returns>
    public static CellSettings SettingsOf(CellRuntime cell) => CellSettings.From(cell.Cell.Config.Limits, cell.Cell.Config.Cutoff);

    /// <summary>Changes a cell's limits and cut-off policy.</summary>
    /// <param name="cell">The cell.</param>
    /// <param name="next">The new settings.</param>
    /// <param name="who">Who asks; must be an operator.</param>
    /// <param name="ct">Cancels waiting for the cell.</param>
    /// <returns>The changes made, as "name: old → new" (empty when nothing differed; nothing is then recorded).</returns>
    /// <exception cref="UnauthorizedAccessException">The actor is not an operator.</exception>
    /// <exception cref="ArgumentException">The settings are invalid (the message names the value); nothing changes.</exception>
    /// <exception cref="IOException">The change could not be made durable.</exception>
    public async Task<IReadOnlyList<string>> ChangeSettingsAsync(CellRuntime cell, CellSettings next, Actor who, CancellationToken ct = default)
    {
        RequireOperator(who, "change a cell's settings");
        next.Validate();
        var before = SettingsOf(cell);
        var diff = next.DiffFrom(before);
        if (diff.Count == 0) return diff;
        var c = cell.Cell;
        long now = UnixTime.NowNs();
        settings.Save(new SettingsOverride(c.Site, c.Config.CellId, next, now, who.User));
        await ingest.ReconfigureAsync(cell, next.Limits, next.Cutoff, ct).ConfigureAwait(false);
        audit.Write(new AuditEntry(now, who.User, who.Role, "settings", c.Site + "/" + c.Config.CellId, string.Join("; ", diff), who.Remote));
        return diff;
    }

    /// <summary>
    /// Corrects a cell's lithium content (<see cref="LithiumCorrection"/>): new prior means of c_Li0 and Q_Li first,
    /// then an operator's c_Li with its σ. Takes effect between two of the cell's messages, is saved in the cell's
    /// checkpoint and written to the audit log (action "correction") before it returns.
    /// </summary>
    /// <param name="cell">The cell.</param>
    /// <param name="correction">What to set.</param>
    /// <param name="who">Who asks; must be an operator.</param>
    /// <param name="ct">Cancels waiting for the cell.</param>
    /// <returns>What changed and the estimate after.</returns>
    /// <exception cref="UnauthorizedAccessException">The actor is not an operator.</exception>
    /// <exception cref="ArgumentException">The correction is invalid (the message names the value); nothing changes.</exception>
    /// <exception cref="InvalidOperationException">The filter refused the change (it would leave the estimate invalid); nothing changes.</exception>
    /// <exception cref="IOException">The change could not be made durable; the twin is back at its last checkpoint.</exception>
    public async Task<CorrectionReply> CorrectAsync(CellRuntime cell, LithiumCorrection correction, Actor who, CancellationToken ct = default)
    {
        RequireOperator(who, "correct a cell's lithium content");
        correction.Validate();
        var reply = await ingest.ChangeTwinAsync(cell, twin => Apply(twin, correction), ct).ConfigureAwait(false);
        var c = cell.Cell;
        audit.Write(new AuditEntry(UnixTime.NowNs(), who.User, who.Role, "correction", c.Site + "/" + c.Config.CellId,
            string.Join("; ", reply.Changes) + (correction.Note is null ? "" : $": {correction.Note}"), who.Remote));
        return reply;
    }

    private static CorrectionReply Apply(CellTwin twin, LithiumCorrection correction)
    {
        List<string> changes = [];
        if (correction.CLi0 is double c0) changes.Add(CorrectionText.Describe(twin.ChangePrior(LithiumPrior.CLi0, c0)));
        if (correction.QLiAh is double q) changes.Add(CorrectionText.Describe(twin.ChangePrior(LithiumPrior.QLi, q)));
        if (correction.CLi is double cLi)
        {
            var r = twin.Correct(cLi, correction.CLiSigma!.Value);
            if (!r.Changed) throw new InvalidOperationException($"the filter did not apply c_li {cLi}: {r.Status}");
            changes.Add(CorrectionText.Describe(r));
        }
        var f = twin.Estimator;
        return new CorrectionReply(changes, f.CLi, f.Sigma, f.LowerBound, f.CLi0, f.QLiAh);
    }

    /// <summary>Acknowledges an alarm and republishes the cell's alarm payload.</summary>
    /// <param name="alarmId">Alarm id.</param>
    /// <param name="note">Optional note.</param>
    /// <param name="who">Who acknowledges; must be an operator.</param>
    /// <param name="ct">Cancels the publish.</param>
    /// <returns>The acknowledged alarm.</returns>
    /// <exception cref="UnauthorizedAccessException">The actor is not an operator.</exception>
    /// <exception cref="KeyNotFoundException">No such alarm.</exception>
    /// <exception cref="InvalidOperationException">Already acknowledged.</exception>
    /// <exception cref="IOException">The acknowledgement could not be made durable.</exception>
    public async Task<AlarmRecord> AcknowledgeAsync(long alarmId, string? note, Actor who, CancellationToken ct = default)
    {
        RequireOperator(who, "acknowledge an alarm");
        long now = UnixTime.NowNs();
        var r = alarms.Acknowledge(alarmId, who.User, note, now);
        audit.Write(new AuditEntry(now, who.User, who.Role, "acknowledge", $"alarm/{r.Id}",
            FormattableString.Invariant($"{r.Site}/{r.Cell} {r.Zone} at c_Li {r.CLi:0.0000}") + (r.Note is null ? "" : $": {r.Note}"), who.Remote));
        var rt = ingest.Find(r.Site + "/" + r.Cell);
        if (rt is not null) await ingest.PublishAlarmAsync(rt, ct).ConfigureAwait(false);
        return r;
    }

    private static void RequireOperator(Actor who, string what)
    {
        if (who.Role != TwinRoles.Operator)
            throw new UnauthorizedAccessException($"{who.User} ({who.Role}) may not {what}: it needs the {TwinRoles.Operator} role");
    }
}
