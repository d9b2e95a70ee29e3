namespace CleanCqrs.Domain.Common;

/// <summary>
/// Lets generic code (pipeline behaviours) build a failed response without knowing its shape.
/// </summary>
public interface IFailable<out TSelf>
{
    static abstract TSelf Failure(Error error);
}

/// <summary>Anything that may carry an error, read without knowing its value type.</summary>
public interface IHasError
{
    Error? Error { get; }
}

/// <summary>A value or the <see cref="Common.Error"/> that stopped it.</summary>
public readonly record struct Result<T> : IFailable<Result<T>>, IHasError
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    public Error? Error { get; }

    public bool IsSuccess => Error is null;

    public T Value => Error is null
        ? _value!
        : throw new InvalidOperationException($"A failed result has no value: {Error.Detail}");

    public static Result<T> Success(T value) => new(value, null);

    public static Result<T> Failure(Error error) => new(default, error ?? throw new ArgumentNullException(nameof(error)));

    public static implicit operator Result<T>(T value) => Success(value);

    public static implicit operator Result<T>(Error error) => Failure(error);

    public Result<TOut> Map<TOut>(Func<T, TOut> map) =>
        Error is null ? Result<TOut>.Success(map(_value!)) : Result<TOut>.Failure(Error);
}
