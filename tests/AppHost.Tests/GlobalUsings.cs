global using AppHost.Tests.Infrastructure;
