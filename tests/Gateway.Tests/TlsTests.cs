using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace Gateway.Tests;

/// <summary>
/// HTTPS at the gateway (Gateway:Tls): a self-signed certificate made by the test, from PEM files or a PFX; the OpenAI .NET
/// SDK and the npm openai client trusting exactly it; HTTP/2 by ALPN; the HTTP→HTTPS redirect and HSTS when switched on;
/// a rotated certificate served to new connections without a restart; bad settings refused at startup.
/// </summary>
public sealed class TlsTests(TlsTests.Replica replica) : IClassFixture<TlsTests.Replica>
{
    private const string Model = "model-a";
    private static readonly string NodeFolder = Path.Combine(BuildOutput.RepositoryRoot, "tests", "node");

    public sealed class Replica : IAsyncLifetime
    {
        public BackendProcess Backend { get; private set; } = null!;

        public async Task InitializeAsync() => Backend = await BackendProcess.StartAsync("tls", Model);

        public async Task DisposeAsync() => await Backend.DisposeAsync();
    }

    [Theory]
    [InlineData("pem")]
    [InlineData("pfx")]
    public async Task The_OpenAI_SDK_talks_HTTPS_over_HTTP2_with_the_certificate_trusted(string format)
    {
        using var files = new TempDirectory();
        var certificate = TestCertificate.Create("gateway-" + format);
        var settings = new Dictionary<string, string>();
        if (format == "pem")
        {
            TestCertificate.WritePem(certificate, Path.Combine(files.Path, "tls.crt"), Path.Combine(files.Path, "tls.key"));
            settings["Gateway__Tls__CertificatePath"] = Path.Combine(files.Path, "tls.crt");
            settings["Gateway__Tls__KeyPath"] = Path.Combine(files.Path, "tls.key");
        }
        else
        {
            TestCertificate.WritePfx(certificate, Path.Combine(files.Path, "gateway.pfx"), "pfx-password");
            settings["Gateway__Tls__PfxPath"] = Path.Combine(files.Path, "gateway.pfx");
            settings["Gateway__Tls__PfxPassword"] = "pfx-password";
        }
        var httpsPort = FreePort.Next();
        await using var gateway = await GatewayProcess.StartAsync("gateway-tls-" + format, [replica.Backend], redis: null, settings, httpsPort);
        var key = await gateway.CreateKeyAsync("tls-" + format);
        var https = new Uri($"https://127.0.0.1:{httpsPort}/");

        using var sdkHttp = new HttpClient(TestCertificate.TrustingOnly(certificate));
        var client = new ChatClient(Model, new ApiKeyCredential(key.Secret), new OpenAIClientOptions
        {
            Endpoint = new Uri(https, "v1"),
            Transport = new HttpClientPipelineTransport(sdkHttp),
            NetworkTimeout = TimeSpan.FromSeconds(30),
        });
        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("one two three")], new ChatCompletionOptions { MaxOutputTokenCount = 3 });
        Assert.Equal("t0 t1 t2 ", completion.Content[0].Text);

        using var http2 = new HttpClient(TestCertificate.TrustingOnly(certificate)) { BaseAddress = https };
        using var modelsRequest = OpenAiRequests.Get("v1/models", key.Secret);
        (modelsRequest.Version, modelsRequest.VersionPolicy) = (HttpVersion.Version20, HttpVersionPolicy.RequestVersionExact);
        using var models = await http2.SendAsync(modelsRequest);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal(HttpVersion.Version20, models.Version);
        Assert.False(models.Headers.Contains("Strict-Transport-Security"), "HSTS is off unless switched on");

        // Off by default: plain HTTP is served, not redirected.
        using var plain = await gateway.Http.SendAsync(OpenAiRequests.Get("v1/models", key.Secret));
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);

        // A client that does not trust the certificate is refused by its own TLS check: the listener really is TLS.
        using var untrusting = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = https };
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync("v1/models"));
        Assert.IsType<System.Security.Authentication.AuthenticationException>(refused.InnerException);
    }

    [Fact]
    public async Task Plain_HTTP_is_redirected_and_HTTPS_answers_carry_HSTS_when_switched_on()
    {
        using var files = new TempDirectory();
        var certificate = TestCertificate.Create("gateway-redirect");
        var (crt, tlsKey) = (Path.Combine(files.Path, "tls.crt"), Path.Combine(files.Path, "tls.key"));
        TestCertificate.WritePem(certificate, crt, tlsKey);
        var httpsPort = FreePort.Next();
        await using var gateway = await GatewayProcess.StartAsync("gateway-redirect", [replica.Backend], redis: null, new Dictionary<string, string>
        {
            ["Gateway__Tls__CertificatePath"] = crt,
            ["Gateway__Tls__KeyPath"] = tlsKey,
            ["Gateway__Tls__HttpsRedirect"] = "true",
            ["Gateway__Tls__Hsts"] = "true",
        }, httpsPort);
        using var plainHttp = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = gateway.BaseAddress };
        using var redirect = await plainHttp.GetAsync("v1/models?x=1");
        Assert.True(redirect.StatusCode is HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect, $"{(int)redirect.StatusCode}");
        Assert.Equal(new Uri($"https://127.0.0.1:{httpsPort}/v1/models?x=1"), redirect.Headers.Location);
        // Probes keep plain HTTP (kubelet reaches the pod's http port).
        using var health = await plainHttp.GetAsync("health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        using var https = new HttpClient(TestCertificate.TrustingOnly(certificate)) { BaseAddress = new Uri($"https://127.0.0.1:{httpsPort}/") };
        using var root = await https.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.StartsWith("max-age=", Assert.Single(root.Headers.GetValues("Strict-Transport-Security")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_rotated_certificate_reaches_new_connections_without_a_restart(bool kubernetesSecretVolume)
    {
        using var files = new TempDirectory();
        var (first, second) = (TestCertificate.Create("gateway-before-rotation"), TestCertificate.Create("gateway-after-rotation"));
        var (crt, tlsKey) = (Path.Combine(files.Path, "tls.crt"), Path.Combine(files.Path, "tls.key"));
        if (kubernetesSecretVolume)
        {
            // As the kubelet mounts a secret: tls.crt -> ..data/tls.crt, ..data -> a timestamped folder; an update writes a new
            // folder and swaps ..data atomically.
            WriteSecretVersion(files.Path, "..v1", first);
            File.CreateSymbolicLink(Path.Combine(files.Path, "..data"), "..v1");
            File.CreateSymbolicLink(crt, "..data/tls.crt");
            File.CreateSymbolicLink(tlsKey, "..data/tls.key");
        }
        else
        {
            TestCertificate.WritePem(first, crt, tlsKey);
        }
        var httpsPort = FreePort.Next();
        await using var gateway = await GatewayProcess.StartAsync("gateway-rotation", [replica.Backend], redis: null, new Dictionary<string, string>
        {
            ["Gateway__Tls__CertificatePath"] = crt,
            ["Gateway__Tls__KeyPath"] = tlsKey,
            ["Gateway__Tls__ReloadInterval"] = "00:00:01",
        }, httpsPort);
        Assert.Equal(first.SerialNumber, (await TestCertificate.PresentedAsync(httpsPort)).SerialNumber);

        if (kubernetesSecretVolume)
        {
            WriteSecretVersion(files.Path, "..v2", second);
            File.CreateSymbolicLink(Path.Combine(files.Path, "..data_tmp"), "..v2");
            // rename(2) over the old link, as the kubelet does (File.Move does not move a link to a folder).
            await using var swap = TestProcess.Start("mv", "mv", ["-T", "..data_tmp", "..data"], workingDirectory: files.Path);
            Assert.True(await swap.WaitForExitAsync(TimeSpan.FromSeconds(30)) && swap.ExitCode == 0, swap.Describe());
        }
        else
        {
            // One file after the other: in between, the new certificate and the old key do not load together.
            File.WriteAllText(crt, second.ExportCertificatePem());
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.Equal(first.SerialNumber, (await TestCertificate.PresentedAsync(httpsPort)).SerialNumber);
            File.WriteAllText(tlsKey, second.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }
        await Poll.UntilAsync(async () => (await TestCertificate.PresentedAsync(httpsPort)).SerialNumber == second.SerialNumber,
            "the gateway to present the rotated certificate", TimeSpan.FromSeconds(30));

        Assert.False(gateway.Process.HasExited);
        var key = await gateway.CreateKeyAsync("rotated");
        using var trustingSecond = new HttpClient(TestCertificate.TrustingOnly(second)) { BaseAddress = new Uri($"https://127.0.0.1:{httpsPort}/") };
        using var models = await trustingSecond.SendAsync(OpenAiRequests.Get("v1/models", key.Secret));
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Contains("gateway-after-rotation", gateway.Process.Output);
    }

    private static void WriteSecretVersion(string mount, string version, X509Certificate2 certificate)
    {
        Directory.CreateDirectory(Path.Combine(mount, version));
        TestCertificate.WritePem(certificate, Path.Combine(mount, version, "tls.crt"), Path.Combine(mount, version, "tls.key"));
    }

    [Theory]
    [InlineData("missing certificate file", "error: Gateway:Tls:CertificatePath: '{dir}/missing.crt' cannot be read")]
    [InlineData("key of another certificate", "error: Gateway:Tls:KeyPath: '{dir}/other.key' holds no private key of the certificate in '{dir}/tls.crt'")]
    [InlineData("certificate without key", "error: Gateway:Tls:KeyPath: missing")]
    [InlineData("wrong PFX password", "error: Gateway:Tls:PfxPassword: does not open '{dir}/gateway.pfx'")]
    [InlineData("PEM and PFX", "error: Gateway:Tls:CertificatePath: set, and so is Gateway:Tls:PfxPath")]
    [InlineData("https listener without certificate", "error: An https:// listener (https://127.0.0.1:1) needs a certificate")]
    [InlineData("certificate without https listener", "error: Gateway:Tls has a certificate but no listener is https:// (http://127.0.0.1:1)")]
    [InlineData("redirect without certificate", "error: Gateway:Tls:HttpsRedirect: needs a certificate")]
    public async Task Bad_TLS_settings_stop_the_gateway_with_an_error_naming_the_setting(string @case, string error)
    {
        using var files = new TempDirectory();
        var dir = files.Path;
        TestCertificate.WritePem(TestCertificate.Create("gateway"), Path.Combine(dir, "tls.crt"), Path.Combine(dir, "tls.key"));
        TestCertificate.WritePem(TestCertificate.Create("other"), Path.Combine(dir, "other.crt"), Path.Combine(dir, "other.key"));
        TestCertificate.WritePfx(TestCertificate.Create("gateway"), Path.Combine(dir, "gateway.pfx"), "right");
        string[] pem = ["--Gateway:Tls:CertificatePath", $"{dir}/tls.crt", "--Gateway:Tls:KeyPath", $"{dir}/tls.key"];
        string[] https = ["--urls", "http://127.0.0.1:1;https://127.0.0.1:2"];
        string[] args = @case switch
        {
            "missing certificate file" => [.. https, "--Gateway:Tls:CertificatePath", $"{dir}/missing.crt", "--Gateway:Tls:KeyPath", $"{dir}/tls.key"],
            "key of another certificate" => [.. https, "--Gateway:Tls:CertificatePath", $"{dir}/tls.crt", "--Gateway:Tls:KeyPath", $"{dir}/other.key"],
            "certificate without key" => [.. https, "--Gateway:Tls:CertificatePath", $"{dir}/tls.crt"],
            "wrong PFX password" => [.. https, "--Gateway:Tls:PfxPath", $"{dir}/gateway.pfx", "--Gateway:Tls:PfxPassword", "wrong"],
            "PEM and PFX" => [.. https, .. pem, "--Gateway:Tls:PfxPath", $"{dir}/gateway.pfx"],
            "https listener without certificate" => ["--urls", "https://127.0.0.1:1"],
            "certificate without https listener" => ["--urls", "http://127.0.0.1:1", .. pem],
            "redirect without certificate" => ["--Gateway:Tls:HttpsRedirect", "true"],
            _ => throw new ArgumentOutOfRangeException(nameof(@case)),
        };
        var result = await ServiceCommand.RunAsync("Gateway", args);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.StartsWith(error.Replace("{dir}", dir), result.Stderr);
        Assert.Single(result.Stderr.TrimEnd('\n').Split('\n'));   // one line: no stack trace
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task The_npm_openai_client_talks_HTTPS_with_the_certificate_in_NODE_EXTRA_CA_CERTS()
    {
        Assert.True(Directory.Exists(Path.Combine(NodeFolder, "node_modules", "openai")),
            $"The npm openai package is not installed: run `npm ci` in {NodeFolder} (./test.sh does).");
        using var files = new TempDirectory();
        var certificate = TestCertificate.Create("gateway-node");
        var (crt, tlsKey) = (Path.Combine(files.Path, "tls.crt"), Path.Combine(files.Path, "tls.key"));
        TestCertificate.WritePem(certificate, crt, tlsKey);
        var httpsPort = FreePort.Next();
        await using var gateway = await GatewayProcess.StartAsync("gateway-tls-node", [replica.Backend], redis: null,
            new Dictionary<string, string> { ["Gateway__Tls__CertificatePath"] = crt, ["Gateway__Tls__KeyPath"] = tlsKey }, httpsPort);
        var key = await gateway.CreateKeyAsync("tls-node");

        await using var node = TestProcess.Start("node", "node", ["tls-client.mjs"], new Dictionary<string, string>
        {
            ["OPENAI_BASE_URL"] = $"https://127.0.0.1:{httpsPort}/v1",
            ["OPENAI_API_KEY"] = key.Secret,
            ["MODEL"] = Model,
            ["NODE_EXTRA_CA_CERTS"] = crt,
        }, NodeFolder);
        Assert.True(await node.WaitForExitAsync(TimeSpan.FromMinutes(2)), node.Describe());
        Assert.True(node.ExitCode == 0, node.Describe());
        var result = JsonNode.Parse(node.Output.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal))["RESULT ".Length..])!;
        Assert.Equal("t0 t1 t2 ", result["content"]!.GetValue<string>());
    }
}
