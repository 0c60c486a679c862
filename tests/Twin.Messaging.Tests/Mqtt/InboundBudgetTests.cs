using Twin.Messaging.Mqtt;

namespace Twin.Messaging.Tests.Mqtt;

/// <summary>The inbound byte budget that holds the reader back while handlers have too much to do.</summary>
public sealed class InboundBudgetTests
{
    private static readonly Func<bool> Never = () => false;

    [Fact]
    public async Task A_message_that_fits_goes_through_and_one_that_does_not_waits_for_a_release()
    {
        var budget = new InboundBudget(1000);
        await budget.WaitForRoomAsync(600, Never, CancellationToken.None);
        budget.Take(600);
        var waiting = budget.WaitForRoomAsync(600, Never, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        budget.Release(600);
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public async Task A_message_larger_than_the_budget_goes_through_alone()
    {
        var budget = new InboundBudget(1000);
        await budget.WaitForRoomAsync(5000, Never, CancellationToken.None);
        budget.Take(5000);
        var next = budget.WaitForRoomAsync(10, Never, CancellationToken.None).AsTask();
        Assert.False(next.IsCompleted);
        budget.Release(5000);
        await next.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task The_reader_goes_on_while_its_client_waits_for_an_acknowledgement()
    {
        var budget = new InboundBudget(1000);
        budget.Take(1000);
        bool awaitingPubAck = false;
        var waiting = budget.WaitForRoomAsync(100, () => awaitingPubAck, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        awaitingPubAck = true;
        budget.Pulse();
        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
