using CleanCqrs.Domain.Common;

namespace CleanCqrs.Application.Otps.Limits;

/// <summary>A global delivery budget (<c>sms</c> or <c>email</c>) has no room in the rolling hour.</summary>
public sealed record BudgetExhaustedError(string Budget, TimeSpan RetryAfter, string Detail) : Error(Detail);
