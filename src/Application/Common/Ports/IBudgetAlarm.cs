namespace CleanCqrs.Application.Common.Ports;

/// <summary>
/// Raised each time a global delivery budget refuses a request: the host turns it into the metric
/// <c>OtpBudgetExhausted</c> with dimension <c>Budget</c> (<c>sms</c> or <c>email</c>) that the alarm watches.
/// </summary>
public interface IBudgetAlarm
{
    void Exhausted(string budget);
}
