using Settlement.Host.Composition;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSettlementService(builder.Configuration);

var app = builder.Build();
app.Run();

/// <summary>Visible to WebApplicationFactory in tests.</summary>
public partial class Program;
