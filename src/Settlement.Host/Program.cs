using Settlement.Host.Api;
using Settlement.Host.Composition;
using Settlement.Host.Observability;
using Settlement.Operations.OperatorConsole;

if (args is [ReconcileCommand.Name, ..])
    return await ReconcileCommand.RunAsync(args[1..]);

var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddSettlementSerilog(builder.Configuration, builder.Environment.ApplicationName);
builder.Services.AddSettlementService(builder.Configuration);
builder.Services.AddAdminApi(builder.Configuration);
builder.Services.AddOperatorConsole(builder.Configuration);
builder.Services.AddSettlementObservability(builder.Configuration);

var app = builder.Build();
app.UseSettlementRequestLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapAdminApi();
app.MapOperatorConsole();
app.MapSettlementObservability();
await app.RunAsync();
return 0;

/// <summary>Visible to WebApplicationFactory in tests.</summary>
public partial class Program;
