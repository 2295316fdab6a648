global using Aspire.Hosting;
global using Aspire.Hosting.ApplicationModel;
global using Aspire.Hosting.Pipelines;
global using Microsoft.Extensions.Configuration;
