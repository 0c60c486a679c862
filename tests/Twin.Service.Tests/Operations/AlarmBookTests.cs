using Twin.Core.Safety;
using Twin.Service.Alarms;

namespace Twin.Service.Tests.Operations;

public sealed class AlarmBookTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("twin-alarms-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RaisesEscalatesClearsAndAcknowledgesAndSurvivesAReopen()
    {
        using (var book = new AlarmBook(_dir))
        {
            Assert.Null(book.OnTransition("id31", "c1", Zone.Caution, 1, 0.44, 4.0, 3));
            var raised = book.OnTransition("id31", "c1", Zone.Critical, 2, 0.399, 4.1, 3)!;
            Assert.Equal(("critical", "active", 0.399), (raised.Zone, raised.State, raised.CLi));
            var deeper = book.OnTransition("id31", "c1", Zone.Deep, 3, 0.319, 4.2, 3)!;
            Assert.Equal((raised.Id, "deep"), (deeper.Id, deeper.Zone));
            Assert.Null(book.OnTransition("id31", "c1", Zone.Critical, 4, 0.33, 4.2, 4)); // on the way back: still the same alarm
            var acked = book.Acknowledge(raised.Id, "olga", "  seen, lowering the cut-off  ", 5);
            Assert.Equal(("acknowledged", "olga", "seen, lowering the cut-off"), (acked.State, acked.AcknowledgedBy, acked.Note));
            var cleared = book.OnTransition("id31", "c1", Zone.Caution, 6, 0.41, 3.9, 5)!;
            Assert.Equal(("closed", 6L), (cleared.State, cleared.ClearedUnixNs!.Value));
            Assert.Null(book.OpenFor("id31", "c1"));
            var again = book.OnTransition("id31", "c1", Zone.Critical, 7, 0.39, 4.1, 7)!;
            Assert.NotEqual(raised.Id, again.Id);
        }
        using var reopened = new AlarmBook(_dir);
        var all = reopened.All();
        Assert.Equal(2, all.Count);
        Assert.Equal(("active", "closed"), (all[0].State, all[1].State));
        Assert.Equal("olga", all[1].AcknowledgedBy);
        Assert.Equal(all[0].Id, reopened.OpenFor("id31", "c1")!.Id);
        Assert.Equal(all[0].Id + 1, reopened.OnTransition("id31", "c2", Zone.Critical, 8, 0.39, 4.1, 1)!.Id);
    }

    [Fact]
    public void ACrossingWhileTheAlarmIsOpenIsCountedOnItAndANewAlarmStartsOnlyAfterAcknowledgement()
    {
        long raisedId;
        using (var book = new AlarmBook(_dir))
        {
            var raised = book.OnTransition("s", "c", Zone.Critical, 1, 0.399, 4.1, 1)!;
            raisedId = raised.Id;
            for (int i = 0; i < 999; i++)
            {
                Assert.Equal("cleared", book.OnTransition("s", "c", Zone.Caution, 2 + 2 * i, 0.41, 4.0, 1)!.State);
                var again = book.OnTransition("s", "c", Zone.Critical, 3 + 2 * i, 0.39, 4.1, 1)!;
                Assert.Equal((raised.Id, "active", i + 2), (again.Id, again.State, again.Crossings));
            }
            var cleared = book.OnTransition("s", "c", Zone.Caution, 3000, 0.41, 4.0, 1)!;
            Assert.Equal(("critical", 0.399, 1L), (cleared.Zone, cleared.CLi, cleared.RaisedUnixNs)); // the first crossing is kept
            var deep = book.OnTransition("s", "c", Zone.Deep, 3001, 0.31, 4.2, 1)!;
            Assert.Equal(("deep", 1001), (deep.Zone, deep.Crossings));
            Assert.Single(book.All());
            // another cell has its own episode
            Assert.NotEqual(raised.Id, book.OnTransition("s", "d", Zone.Critical, 3002, 0.39, 4.1, 1)!.Id);
        }
        using (var reopened = new AlarmBook(_dir))
        {
            var again = reopened.OnTransition("s", "c", Zone.Caution, 3003, 0.41, 4.0, 1)!;
            again = reopened.OnTransition("s", "c", Zone.Critical, 3004, 0.39, 4.1, 1)!;
            Assert.Equal((raisedId, 1002, "deep"), (again.Id, again.Crossings, again.Zone));
            reopened.Acknowledge(raisedId, "olga", null, 3005);
            Assert.Equal("closed", reopened.OnTransition("s", "c", Zone.Safe, 3006, 0.5, 3.8, 1)!.State);
            var next = reopened.OnTransition("s", "c", Zone.Critical, 3007, 0.39, 4.1, 1)!;
            Assert.Equal((1, "active"), (next.Crossings, next.State));
            Assert.NotEqual(raisedId, next.Id);
            Assert.Equal(3, reopened.All().Count);
        }
    }

    [Fact]
    public void A_batch_of_crossings_is_one_line_in_the_file()
    {
        using (var book = new AlarmBook(_dir))
        {
            var batch = Enumerable.Range(0, 2000).Select(i => new AlarmTransition(i % 2 == 0 ? Zone.Critical : Zone.Caution, i, 0.4, 4.1, 1)).ToList();
            var changed = Assert.Single(book.OnTransitions("s", "c", batch));
            Assert.Equal((1000, "cleared"), (changed.Crossings, changed.State));
        }
        Assert.Single(File.ReadAllLines(Path.Combine(_dir, AlarmBook.FileName)));
        using var reopened = new AlarmBook(_dir);
        Assert.Equal(1000, reopened.All().Single().Crossings);
    }

    [Fact]
    public void AcknowledgingTwiceOrAnUnknownAlarmIsRefusedWithWhoAndWhich()
    {
        using var book = new AlarmBook(_dir);
        var r = book.OnTransition("s", "c", Zone.Critical, 1, 0.39, 4.1, 1)!;
        book.Acknowledge(r.Id, "olga", null, 2);
        var twice = Assert.Throws<InvalidOperationException>(() => book.Acknowledge(r.Id, "ivan", null, 3));
        Assert.Contains("olga", twice.Message);
        Assert.Contains("no alarm 99", Assert.Throws<KeyNotFoundException>(() => book.Acknowledge(99, "olga", null, 3)).Message);
    }

    [Fact]
    public void AClearedUnacknowledgedAlarmStaysOpenUntilAcknowledged()
    {
        using var book = new AlarmBook(_dir);
        var r = book.OnTransition("s", "c", Zone.Critical, 1, 0.39, 4.1, 1)!;
        var cleared = book.OnTransition("s", "c", Zone.Safe, 2, 0.5, 3.7, 2)!;
        Assert.Equal(("cleared", true), (cleared.State, cleared.Open));
        Assert.Equal(r.Id, book.OpenFor("s", "c")!.Id);
        book.Acknowledge(r.Id, "olga", null, 3);
        Assert.Null(book.OpenFor("s", "c"));
    }

    [Fact]
    public void ATornLastLineFromACrashIsDroppedAndTheNextRecordStartsOnItsOwnLine()
    {
        using (var book = new AlarmBook(_dir)) book.OnTransition("s", "c", Zone.Critical, 1, 0.39, 4.1, 1);
        File.AppendAllText(Path.Combine(_dir, AlarmBook.FileName), "{\"id\":2,\"site\":\"s\",\"ce"); // crash mid-write
        using (var book = new AlarmBook(_dir))
        {
            Assert.Single(book.All());
            book.OnTransition("s", "c", Zone.Safe, 2, 0.5, 3.7, 2);
        }
        using var reopened = new AlarmBook(_dir);
        Assert.Equal("cleared", reopened.All().Single().State);
    }

    [Fact]
    public void ACorruptLineInTheMiddleIsSetAsideAndReportedNamingFileAndLine()
    {
        string file = Path.Combine(_dir, AlarmBook.FileName);
        using (var first = new AlarmBook(_dir)) first.OnTransition("s", "c", Zone.Critical, 1, 0.39, 4.1, 1);
        File.WriteAllText(file, "not json\n" + File.ReadAllText(file));
        using var book = new AlarmBook(_dir);
        Assert.Contains("alarms.jsonl line 1", Assert.Single(book.Damage));
        Assert.Single(book.All());
        Assert.Contains("not json", File.ReadAllText(file + ".corrupt"));
    }
}
