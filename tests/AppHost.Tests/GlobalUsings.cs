global using AppHost.Tests.Infrastructure;
global using Services.Tests.Infrastructure;
