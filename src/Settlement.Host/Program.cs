using Settlement.Host.Api;
using Settlement.Host.Composition;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSettlementService(builder.Configuration);
builder.Services.AddAdminApi(builder.Configuration);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapAdminApi();
app.Run();

/// <summary>Visible to WebApplicationFactory in tests.</summary>
public partial class Program;
