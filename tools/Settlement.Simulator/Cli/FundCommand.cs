using System.Diagnostics;
using MassTransit;
using Serilog;
using Settlement.Contracts;
using Settlement.Simulator.Market;
using Settlement.Simulator.Publishing;

namespace Settlement.Simulator.Cli;

/// <summary>
/// <c>fund</c>: sends every deposit of <see cref="FundingPlan"/> to the wallet queue as <see cref="DepositFunds"/> and waits
/// for each answer. Operation ids are derived from (user, currency), so running it again changes nothing.
/// </summary>
public static class FundCommand
{
    const int InFlight = 32;
    static readonly RequestTimeout AnswerTimeout = RequestTimeout.After(s: 120);

    public static async Task<int> RunAsync(Arguments args, CancellationToken cancellationToken)
    {
        args.AllowOnly("run", "users", "rabbit", "wallet-queue");
        var run = args.Required("run");
        var users = args.Int("users", 0);
        if (users < 2)
            throw new UsageException("--users must be at least 2");
        var rabbit = args.Uri("rabbit", Defaults.Rabbit);
        // The exchange the wallet's endpoint binds its queue to: a queue: address would declare the queue as a classic
        // one, which RabbitMQ refuses when the service runs with quorum queues.
        var walletQueue = new Uri("exchange:" + args.String("wallet-queue", Defaults.WalletQueue));

        var deposits = FundingPlan.Deposits(run, users).ToArray();
        Log.Information("fund: {Deposits} deposits for {Users} traders and {MustFail} baseless sellers of run {Run} to {Queue}",
            deposits.Length, users, FundingPlan.MustFailUsersPerKind, run, walletQueue);

        await using var bus = await SimulatorBus.StartAsync(rabbit, cancellationToken);
        var client = bus.Bus.CreateRequestClient<DepositFunds>(walletQueue, AnswerTimeout);
        var clock = Stopwatch.StartNew();
        var applied = 0;
        var rejected = 0;

        await Parallel.ForEachAsync(deposits, new ParallelOptions { MaxDegreeOfParallelism = InFlight, CancellationToken = cancellationToken },
            async (deposit, token) =>
            {
                var response = await client.GetResponse<FundsDeposited, WalletOperationRejected>(new DepositFunds
                {
                    OperationId = SimulationIds.Deposit(deposit.UserId, deposit.Currency),
                    UserId = deposit.UserId,
                    Currency = deposit.Currency,
                    Amount = deposit.Amount,
                }, token);

                if (response.Is(out Response<WalletOperationRejected>? refusal))
                {
                    Interlocked.Increment(ref rejected);
                    Log.Error("fund: deposit of {Amount} {Currency} to {UserId} refused: {Code} {Message}", deposit.Amount,
                        deposit.Currency, deposit.UserId, refusal.Message.Code, refusal.Message.Message);
                }
                else if (Interlocked.Increment(ref applied) % 500 == 0)
                {
                    Log.Information("fund: {Applied} of {Deposits} deposits applied", applied, deposits.Length);
                }
            });

        Output.Line(new
        {
            Run = run,
            Users = users,
            Deposits = deposits.Length,
            Applied = applied,
            Rejected = rejected,
            Seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
            FundedPerTrader = FundingPlan.PerTrader,
            FundedTotals = FundingPlan.Totals(run, users),
        });
        return rejected == 0 ? 0 : 1;
    }
}
