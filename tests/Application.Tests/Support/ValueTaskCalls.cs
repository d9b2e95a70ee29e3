using NSubstitute;
using NSubstitute.Core;

namespace CleanCqrs.Application.Tests.Support;

/// <summary>
/// Arranging substitute members that return a plain <see cref="ValueTask"/> (publish, send, mark),
/// for which NSubstitute has no async helpers.
/// </summary>
internal static class ValueTaskCalls
{
    public static void Arrange(Func<ValueTask> call, Func<CallInfo, ValueTask> outcome)
    {
#pragma warning disable CA2012 // NSubstitute configures a member by calling it; that call's ValueTask is never consumed.
        call().Returns(outcome);
#pragma warning restore CA2012
    }

    public static void Fails(Func<ValueTask> call, Exception exception) =>
        Arrange(call, _ => ValueTask.FromException(exception));

    public static void Does(Func<ValueTask> call, Action<CallInfo> action) =>
        Arrange(call, info =>
        {
            action(info);
            return ValueTask.CompletedTask;
        });
}
