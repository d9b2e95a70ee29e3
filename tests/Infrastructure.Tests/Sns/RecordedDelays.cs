namespace CleanCqrs.Infrastructure.Tests.Sns;

/// <summary>A clock whose timers record how long they were set for and fire at once: waits that neither sleep nor vanish.</summary>
internal sealed class RecordedDelays(List<TimeSpan>? delays) : TimeProvider
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        delays?.Add(dueTime);

        return System.CreateTimer(callback, state, TimeSpan.Zero, period);
    }
}

/// <summary>Every wait is half its window, so the waits are known in advance.</summary>
internal sealed class HalfWindow : Random
{
    public override double NextDouble() => 0.5;
}
