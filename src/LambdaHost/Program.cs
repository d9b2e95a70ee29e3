namespace CleanCqrs.LambdaHost;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.WriteLine("CleanCqrs: the host is being built.");
        return args.Length;
    }
}
