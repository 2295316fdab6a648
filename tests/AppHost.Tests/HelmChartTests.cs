using System.Runtime.Versioning;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace AppHost.Tests;

/// <summary>
/// <c>--publisher kubernetes</c>, run as the README says, and the chart it writes checked with real Helm (lint, template
/// with the default values and with every switch on), every rendered object validated offline against the Kubernetes
/// API schemas (kubernetes-models; KEDA's from @kubernetes-models/keda) and the chart's own rules (ChartValidator), and
/// compared with the compose output of the same model. (Nothing is deployed: there is no cluster here.)
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class HelmChartTests(HelmChartTests.PublishedChart published) : IClassFixture<HelmChartTests.PublishedChart>
{
    /// <summary>The chart and the compose deployment of the default model, published once for these tests.</summary>
    public sealed class PublishedChart : IAsyncLifetime
    {
        private readonly TempDirectory _folder = new();

        public string Chart => Path.Combine(_folder.Path, "k8s");
        public string Compose => Path.Combine(_folder.Path, "compose");

        public async Task InitializeAsync()
        {
            await AppHostProcess.PublishAsync(["--publisher", "kubernetes", "--output-path", Chart]);
            await AppHostProcess.PublishAsync(["--publisher", "compose", "--output-path", Compose]);
        }

        public Task DisposeAsync()
        {
            _folder.Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>Every switch of the chart on, the way a user writes them in a values file (a connection string with
    /// commas, which --set would split).</summary>
    private const string EverySwitchOn = """
        image:
          registry: registry.example.com/team
          tag: "1.2.3"
          pullSecrets: [{name: regcred}]
        secrets:
          gatewayAdminKey: given-admin-key
        otel:
          endpoint: http://otel-collector.monitoring:4317
        inference:
          gpu: {enabled: true, count: 2}
          autoscaling: {enabled: true, maxReplicas: 6, threshold: 8}
          resources: {limits: {memory: 16Gi}, requests: {cpu: "4"}}
          tolerations: [{key: dedicated, operator: Equal, value: llm, effect: NoSchedule}]
          nodeSelector: {pool: gpu}
          podAnnotations: {team: llm}
        gateway:
          service: {type: ClusterIP}
        ingress:
          enabled: true
          className: nginx
          host: llm.example.com
          tls: {secretName: llm-example-com-tls}
          annotations: {nginx.ingress.kubernetes.io/proxy-read-timeout: "3600"}
        redis:
          external:
            connectionString: "redis.example.com:6380,password=s3cret,ssl=true"
        """;

    [Fact]
    public async Task With_default_values_the_chart_passes_helm_lint_the_API_schemas_and_its_own_rules()
    {
        await Helm.RunAsync("lint", "--strict", published.Chart);
        var objects = await RenderAndValidateAsync();

        Assert.Equal(
            ["Deployment/dashboard", "Deployment/gateway", "Deployment/modelcache", "PersistentVolumeClaim/hf-cache", "PodDisruptionBudget/inference",
             "Secret/llm-platform-secrets", "Service/dashboard", "Service/gateway", "Service/inference-headless", "Service/modelcache", "Service/redis",
             "StatefulSet/inference", "StatefulSet/redis"],
            objects.Select(o => $"{o["kind"]}/{ChartValidator.Name(o)}").Order(StringComparer.Ordinal));

        // The replicas: one StatefulSet of the model's two, started side by side, with stable names under a headless Service.
        var inference = Workload(objects, "inference");
        Assert.Equal(2, inference["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("inference-headless", inference["spec"]!["serviceName"]!.GetValue<string>());
        Assert.Equal("Parallel", inference["spec"]!["podManagementPolicy"]!.GetValue<string>());
        Assert.Equal("None", Service(objects, "inference-headless")["spec"]!["clusterIP"]!.GetValue<string>());
        foreach (var router in new[] { "gateway", "dashboard" })
        {
            var env = Environment(Container(objects, router));
            Assert.Equal("http://inference-0.inference-headless:8080", env["services__inference__http__0"]!["value"]!.GetValue<string>());
            Assert.Equal("http://inference-1.inference-headless:8080", env["services__inference__http__1"]!["value"]!.GetValue<string>());
            Assert.False(env.ContainsKey("services__inference__http__2"));
        }

        // Probes: readiness /health, liveness /alive; a replica's startup probe waits for its model (30 min), others' 2 min.
        foreach (var (name, startupPath, startupBudget) in new[] { ("inference", "/health", 1800), ("gateway", "/alive", 120), ("modelcache", "/alive", 120), ("dashboard", "/alive", 120) })
        {
            var container = Container(objects, name);
            Assert.Equal("/health", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
            Assert.Equal("/alive", container["livenessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
            Assert.Equal(startupPath, container["startupProbe"]!["httpGet"]!["path"]!.GetValue<string>());
            Assert.Equal(startupBudget, container["startupProbe"]!["periodSeconds"]!.GetValue<int>() * container["startupProbe"]!["failureThreshold"]!.GetValue<int>());
            Assert.Equal(8080, container["ports"]![0]!["containerPort"]!.GetValue<int>());
            Assert.Equal($"localhost:5000/llm-platform/{name}:latest", container["image"]!.GetValue<string>());
        }
        Assert.Null(Container(objects, "inference")["resources"]!["limits"]); // No GPU unless switched on.

        // A replica drains for up to its --shutdown-timeout (30 s by default) after SIGTERM, then stops: its pod waits for that.
        var gracePeriod = inference["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"]!.GetValue<int>();
        Assert.True(gracePeriod > 30, $"terminationGracePeriodSeconds {gracePeriod}");
        Assert.Null(Workload(objects, "gateway")["spec"]!["template"]!["spec"]!["terminationGracePeriodSeconds"]);

        // The HF cache: one ReadWriteMany claim, mounted at /hf-cache by the model cache and the replicas (HF_HOME).
        var hfCache = ChartValidator.Named(objects, "PersistentVolumeClaim").Single();
        Assert.Equal("ReadWriteMany", hfCache["spec"]!["accessModes"]![0]!.GetValue<string>());
        foreach (var name in new[] { "modelcache", "inference" })
        {
            Assert.Equal("/hf-cache", Environment(Container(objects, name))["HF_HOME"]!["value"]!.GetValue<string>());
            Assert.Equal("/hf-cache", Container(objects, name)["volumeMounts"]![0]!["mountPath"]!.GetValue<string>());
            Assert.Equal("hf-cache", Workload(objects, name)["spec"]!["template"]!["spec"]!["volumes"]![0]!["persistentVolumeClaim"]!["claimName"]!.GetValue<string>());
        }

        // Secrets by secretKeyRef; the connection string embeds the password through an earlier variable.
        var gateway = Environment(Container(objects, "gateway"));
        Assert.Equal("gateway-admin-key", gateway["Gateway__AdminKey"]!["valueFrom"]!["secretKeyRef"]!["key"]!.GetValue<string>());
        Assert.Equal("redis-password", gateway["REDIS_PASSWORD"]!["valueFrom"]!["secretKeyRef"]!["key"]!.GetValue<string>());
        Assert.Equal("redis:6379,password=$(REDIS_PASSWORD)", gateway["ConnectionStrings__redis"]!["value"]!.GetValue<string>());

        // Redis: a StatefulSet with a claim template for its data, password from the Secret.
        var redis = Workload(objects, "redis");
        Assert.Equal("redis-data", redis["spec"]!["volumeClaimTemplates"]![0]!["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("redis-password", Environment(Container(objects, "redis"))["REDIS_PASSWORD"]!["valueFrom"]!["secretKeyRef"]!["key"]!.GetValue<string>());

        // The gateway is exposed by a LoadBalancer on the model's port; the admin dashboard stays inside the cluster.
        Assert.Equal("LoadBalancer", Service(objects, "gateway")["spec"]!["type"]!.GetValue<string>());
        Assert.Equal(8000, Service(objects, "gateway")["spec"]!["ports"]![0]!["port"]!.GetValue<int>());
        Assert.Equal("ClusterIP", Service(objects, "dashboard")["spec"]!["type"]!.GetValue<string>());
        Assert.Equal(1, ChartValidator.Named(objects, "PodDisruptionBudget").Single()["spec"]!["maxUnavailable"]!.GetValue<int>());
    }

    [Fact]
    public async Task Images_and_environment_variables_match_the_compose_output_of_the_same_model()
    {
        var objects = await RenderAndValidateAsync();
        var compose = ComposeValidator.Services(ComposeValidator.Load(Path.Combine(published.Compose, "docker-compose.yaml")));
        var workloads = objects.Where(o => o["kind"]!.GetValue<string>() is "Deployment" or "StatefulSet").Select(w => ChartValidator.Name(w)).ToHashSet();
        var covered = new HashSet<string>();
        foreach (var (key, service) in compose.Children)
        {
            var name = ((YamlScalarNode)key).Value!;
            // A replica of the model (inference-1) is a pod of its group's StatefulSet (inference).
            var workload = workloads.Contains(name) ? name : workloads.Single(w => Regex.IsMatch(name, $"^{Regex.Escape(w)}-[0-9]+$"));
            covered.Add(workload);
            var container = Container(objects, workload);

            var composeImage = ComposeValidator.Scalar(service, "image")!;
            Assert.Equal(ComposeValidator.Map(service, "build") is null ? composeImage : $"localhost:5000/{composeImage}", container["image"]!.GetValue<string>());

            var composeNames = ComposeValidator.Environment(service).Keys.ToHashSet();
            var chartNames = Environment(container).Keys.ToHashSet();
            // The chart's only additions: the variables a value embeds as $(NAME) (compose's .env variables).
            var expanded = Environment(container).Values.Select(e => e["value"]?.GetValue<string>() ?? "")
                .SelectMany(v => Regex.Matches(v, @"\$\(([A-Z_]+)\)").Select(m => m.Groups[1].Value)).ToHashSet();
            Assert.True(composeNames.SetEquals(chartNames.Where(n => composeNames.Contains(n) || !expanded.Contains(n))),
                $"{name} → {workload}: compose has [{string.Join(", ", composeNames.Order())}], the chart [{string.Join(", ", chartNames.Order())}]");
        }
        Assert.Equal(workloads.Order(), covered.Order());
    }

    [Fact]
    public async Task With_every_switch_on_the_chart_passes_helm_lint_the_API_schemas_and_its_own_rules()
    {
        using var folder = new TempDirectory();
        var valuesFile = Path.Combine(folder.Path, "every-switch-on.yaml");
        await File.WriteAllTextAsync(valuesFile, EverySwitchOn);
        await Helm.RunAsync("lint", "--strict", published.Chart, "-f", valuesFile);
        var objects = await RenderAndValidateAsync("-f", valuesFile);

        // External Redis: no Redis workload; the connection string (commas and all) in the Secret, read from there.
        Assert.DoesNotContain(objects, o => ChartValidator.Name(o) == "redis");
        var secret = ChartValidator.Named(objects, "Secret").Single()["data"]!;
        Assert.Equal("redis.example.com:6380,password=s3cret,ssl=true", Decode(secret["redis-connection-string"]!));
        Assert.Equal("given-admin-key", Decode(secret["gateway-admin-key"]!));
        foreach (var name in new[] { "gateway", "modelcache", "dashboard" })
        {
            var env = Environment(Container(objects, name));
            Assert.Equal("redis-connection-string", env["ConnectionStrings__redis"]!["valueFrom"]!["secretKeyRef"]!["key"]!.GetValue<string>());
            Assert.False(env.ContainsKey("REDIS_HOST"), $"{name} still addresses the in-cluster Redis");
            Assert.Equal("http://otel-collector.monitoring:4317", env["OTEL_EXPORTER_OTLP_ENDPOINT"]!["value"]!.GetValue<string>());
        }

        // Autoscaling: KEDA on the replicas' queue through Prometheus; the StatefulSet leaves its replica count to KEDA;
        // the gateway gets an address for each replica there may be.
        var scaled = ChartValidator.Named(objects, "ScaledObject").Single();
        Assert.Equal("keda.sh/v1alpha1", scaled["apiVersion"]!.GetValue<string>());
        Assert.Equal(6, scaled["spec"]!["maxReplicaCount"]!.GetValue<int>());
        var trigger = scaled["spec"]!["triggers"]![0]!;
        Assert.Equal("prometheus", trigger["type"]!.GetValue<string>());
        Assert.Equal("8", trigger["metadata"]!["threshold"]!.GetValue<string>());
        Assert.Contains("vllm:num_requests_waiting", trigger["metadata"]!["query"]!.GetValue<string>());
        Assert.Contains("namespace=\"llm\"", trigger["metadata"]!["query"]!.GetValue<string>());
        var inference = Workload(objects, "inference");
        Assert.Null(inference["spec"]!["replicas"]);
        Assert.Equal("true", inference["spec"]!["template"]!["metadata"]!["annotations"]!["prometheus.io/scrape"]!.GetValue<string>());
        Assert.Equal("llm", inference["spec"]!["template"]!["metadata"]!["annotations"]!["team"]!.GetValue<string>());
        Assert.Equal(Enumerable.Range(0, 6).Select(i => ($"services__inference__http__{i}", $"http://inference-{i}.inference-headless:8080")),
            Container(objects, "gateway")["env"]!.AsArray().Select(e => (e!["name"]!.GetValue<string>(), e["value"]?.GetValue<string>() ?? ""))
                .Where(e => e.Item1.StartsWith("services__inference__http__", StringComparison.Ordinal)));

        // GPUs: requests and limits, the engine on CUDA, the GPU taint tolerated beside the values' own.
        var container = Container(objects, "inference");
        Assert.Equal(2, container["resources"]!["limits"]!["nvidia.com/gpu"]!.GetValue<int>());
        Assert.Equal(2, container["resources"]!["requests"]!["nvidia.com/gpu"]!.GetValue<int>());
        Assert.Equal("16Gi", container["resources"]!["limits"]!["memory"]!.GetValue<string>());
        Assert.Equal("cuda", Environment(container)["Engine__Device"]!["value"]!.GetValue<string>());
        Assert.Equal(["dedicated", "nvidia.com/gpu"], inference["spec"]!["template"]!["spec"]!["tolerations"]!.AsArray().Select(t => t!["key"]!.GetValue<string>()));
        Assert.Equal("gpu", inference["spec"]!["template"]!["spec"]!["nodeSelector"]!["pool"]!.GetValue<string>());
        Assert.Equal("registry.example.com/team/llm-platform/inference:1.2.3", container["image"]!.GetValue<string>());
        Assert.Equal("regcred", inference["spec"]!["template"]!["spec"]!["imagePullSecrets"]![0]!["name"]!.GetValue<string>());

        // The Ingress to the gateway, with TLS; the gateway's Service then internal.
        var ingress = ChartValidator.Named(objects, "Ingress").Single()["spec"]!;
        Assert.Equal("nginx", ingress["ingressClassName"]!.GetValue<string>());
        Assert.Equal("llm-example-com-tls", ingress["tls"]![0]!["secretName"]!.GetValue<string>());
        Assert.Equal("llm.example.com", ingress["rules"]![0]!["host"]!.GetValue<string>());
        Assert.Equal("ClusterIP", Service(objects, "gateway")["spec"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_TLS_on_the_gateway_serves_HTTPS_with_the_certificate_of_its_Secret_and_its_probes_stay_on_HTTP()
    {
        using var folder = new TempDirectory();
        string certificateFile = Path.Combine(folder.Path, "tls.crt"), keyFile = Path.Combine(folder.Path, "tls.key");
        TestCertificate.WritePem(TestCertificate.Create("llm.example.com"), certificateFile, keyFile);
        string[] tls = ["--set", "gateway.tls.enabled=true", "--set-file", $"gateway.tls.certificate={certificateFile}", "--set-file", $"gateway.tls.key={keyFile}",
            "--set", "gateway.tls.httpsRedirect=true"];
        await Helm.RunAsync(["lint", "--strict", published.Chart, .. tls]);
        var objects = await RenderAndValidateAsync(tls);

        // The chart made the Secret from the PEM files; the gateway mounts it read-only where its settings point.
        var secret = ChartValidator.Named(objects, "Secret").Single(s => ChartValidator.Name(s) == "gateway-tls");
        Assert.Equal("kubernetes.io/tls", secret["type"]!.GetValue<string>());
        Assert.Equal(await File.ReadAllTextAsync(certificateFile), Decode(secret["data"]!["tls.crt"]!));
        Assert.Equal(await File.ReadAllTextAsync(keyFile), Decode(secret["data"]!["tls.key"]!));
        var gateway = Container(objects, "gateway");
        var env = Environment(gateway);
        Assert.Equal("http://+:8080;https://+:8443", env["ASPNETCORE_URLS"]!["value"]!.GetValue<string>());
        Assert.Equal("/etc/tls/tls.crt", env["Gateway__Tls__CertificatePath"]!["value"]!.GetValue<string>());
        Assert.Equal("/etc/tls/tls.key", env["Gateway__Tls__KeyPath"]!["value"]!.GetValue<string>());
        Assert.Equal("true", env["Gateway__Tls__HttpsRedirect"]!["value"]!.GetValue<string>());
        Assert.Equal("false", env["Gateway__Tls__Hsts"]!["value"]!.GetValue<string>());
        var mount = gateway["volumeMounts"]!.AsArray().Single()!;
        Assert.Equal(("/etc/tls", true), (mount["mountPath"]!.GetValue<string>(), mount["readOnly"]!.GetValue<bool>()));
        var volume = Workload(objects, "gateway")["spec"]!["template"]!["spec"]!["volumes"]!.AsArray()
            .Single(v => v!["name"]!.GetValue<string>() == mount["name"]!.GetValue<string>())!;
        Assert.Equal("gateway-tls", volume["secret"]!["secretName"]!.GetValue<string>());

        // HTTPS on 8443 in the pod and the Service, beside plain HTTP, which the probes keep using.
        Assert.Equal([("http", 8080), ("https", 8443)],
            gateway["ports"]!.AsArray().Select(p => (p!["name"]!.GetValue<string>(), p["containerPort"]!.GetValue<int>())));
        Assert.Equal([("http", 8000, "http"), ("https", 8443, "https")], Service(objects, "gateway")["spec"]!["ports"]!.AsArray()
            .Select(p => (p!["name"]!.GetValue<string>(), p["port"]!.GetValue<int>(), p["targetPort"]!.GetValue<string>())));
        foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            Assert.Equal("http", gateway[probe]!["httpGet"]!["port"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_TLS_from_an_existing_Secret_the_chart_needs_that_Secret_in_the_cluster()
    {
        var rendered = await Helm.TemplateAsync(published.Chart, "--set", "gateway.tls.enabled=true", "--set", "gateway.tls.secretName=llm-example-com-tls");
        var (objects, schemaProblems) = await KubernetesSchemas.ValidateAsync(rendered);
        Assert.Empty(schemaProblems);
        Assert.DoesNotContain(objects, o => ChartValidator.Name(o) == "llm-example-com-tls");
        Assert.Contains(ChartValidator.Validate(objects), p => p.Contains("mounts Secret llm-example-com-tls, which is not rendered", StringComparison.Ordinal));

        // What `kubectl create secret tls llm-example-com-tls --cert ... --key ...` (or cert-manager) makes.
        var existing = JsonNode.Parse("""
            {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls", "metadata": {"name": "llm-example-com-tls"},
             "data": {"tls.crt": "Y2VydA==", "tls.key": "a2V5"}}
            """)!.AsObject();
        Assert.Empty(ChartValidator.Validate([.. objects, existing]));
    }

    [Fact]
    public async Task Secrets_are_generated_when_not_given_and_taken_from_the_values_when_given()
    {
        var first = ChartValidator.Named(await RenderAndValidateAsync(), "Secret").Single()["data"]!;
        var second = ChartValidator.Named(await RenderAndValidateAsync("--set", "secrets.hfToken=hf_given"), "Secret").Single()["data"]!;
        foreach (var (key, length) in new[] { ("gateway-admin-key", 32), ("inference-api-key", 32), ("inference-admin-key", 32), ("redis-password", 24) })
        {
            Assert.Matches($"^[A-Za-z0-9]{{{length}}}$", Decode(first[key]!));
            Assert.NotEqual(Decode(first[key]!), Decode(second[key]!)); // Generated anew: no cluster to look the installed one up in.
        }
        Assert.Equal("", Decode(first["hf-token"]!));
        Assert.Equal("hf_given", Decode(second["hf-token"]!));
    }

    [Fact]
    public async Task Every_value_is_documented_in_the_README_and_read_by_a_template()
    {
        var values = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(published.Chart, "values.yaml"))) values.Load(reader);
        var leaves = Leaves((YamlMappingNode)values.Documents[0].RootNode, "").ToList();
        Assert.Contains("inference.autoscaling.maxReplicas", leaves);

        var readme = await File.ReadAllTextAsync(Path.Combine(published.Chart, "README.md"));
        var templates = string.Concat(Directory.EnumerateFiles(Path.Combine(published.Chart, "templates")).Select(File.ReadAllText));
        var read = Regex.Matches(templates, @"\.Values((?:\.[A-Za-z0-9]+)+)").Select(m => m.Groups[1].Value[1..]).ToHashSet();
        foreach (var leaf in leaves)
        {
            Assert.Contains($"| `{leaf}` |", readme);
            Assert.True(read.Any(r => r == leaf || leaf.StartsWith(r + ".", StringComparison.Ordinal)), $"no template reads {leaf}");
        }
        foreach (var path in read)
            Assert.True(leaves.Any(l => l == path || l.StartsWith(path + ".", StringComparison.Ordinal)), $"a template reads .Values.{path}, which values.yaml lacks");

        Assert.Contains("helm install llm-platform ", readme);
        Assert.Contains("docker build -f ", readme);
        Assert.Contains("out of rotation", readme);
        Assert.Contains("--set-file gateway.tls.certificate=tls.crt", readme);
        foreach (var image in new[] { "modelcache", "inference", "gateway", "dashboard" })
            Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", await File.ReadAllTextAsync(Path.Combine(published.Chart, "images", $"{image}.Dockerfile")));
        Assert.Contains("images/", await File.ReadAllTextAsync(Path.Combine(published.Chart, ".helmignore")));
    }

    [Fact]
    public async Task The_models_replica_count_is_the_charts_default()
    {
        using var folder = new TempDirectory();
        await AppHostProcess.PublishAsync(["--publisher", "kubernetes", "--output-path", folder.Path, "--Inference:Replicas", "3"]);
        var objects = await RenderAndValidateChartAsync(folder.Path);
        Assert.Equal(3, Workload(objects, "inference")["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("http://inference-2.inference-headless:8080", Environment(Container(objects, "gateway"))["services__inference__http__2"]!["value"]!.GetValue<string>());

        objects = await RenderAndValidateChartAsync(folder.Path, "--set", "inference.replicas=1");
        Assert.False(Environment(Container(objects, "gateway")).ContainsKey("services__inference__http__1"));
    }

    [Fact]
    public void The_chart_validator_catches_missing_references_and_port_mismatches()
    {
        var objects = new[]
        {
            """{"kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "eA=="}}""",
            """{"kind": "Service", "metadata": {"name": "api"}, "spec": {"selector": {"app": "api"}, "ports": [{"name": "http", "port": 80, "targetPort": "web"}]}}""",
            """{"kind": "Service", "metadata": {"name": "ghost"}, "spec": {"selector": {"app": "nobody"}, "ports": [{"port": 80}]}}""",
            """
            {"kind": "Deployment", "metadata": {"name": "api"}, "spec": {"selector": {"matchLabels": {"app": "api"}}, "template": {"metadata": {"labels": {"app": "api"}}, "spec": {
              "volumes": [{"name": "cache", "persistentVolumeClaim": {"claimName": "missing-claim"}},
                          {"name": "tls", "secret": {"secretName": "s", "items": [{"key": "tls.crt", "path": "tls.crt"}]}}],
              "containers": [{"name": "api", "ports": [{"name": "http", "containerPort": 8080}],
                "readinessProbe": {"httpGet": {"path": "/health", "port": "metrics"}},
                "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                "env": [{"name": "URL", "value": "redis:6379,password=$(PASSWORD)"},
                        {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "s", "key": "other"}}},
                        {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "missing-secret", "key": "k"}}},
                        {"name": "services__web__http__0", "value": "http://web:8080"},
                        {"name": "services__api__http__0", "value": "http://api:8080"},
                        {"name": "ConnectionStrings__redis", "value": "redis:6379"}]}]}}}}
            """,
            """{"kind": "ScaledObject", "metadata": {"name": "x"}, "spec": {"scaleTargetRef": {"kind": "StatefulSet", "name": "api"}}}""",
        }.Select(o => JsonNode.Parse(o)!.AsObject()).ToList();

        var problems = ChartValidator.Validate(objects);
        foreach (var expected in new[]
                 {
                     "claims missing-claim, which is not rendered", "readinessProbe port \"metrics\" is not a container port",
                     "mounts data, which is neither a volume", "$(PASSWORD) is not defined before it", "Secret s has no key other",
                     "Secret missing-secret is not rendered", "web names no rendered Service", "Service api has no port 8080",
                     "redis names no rendered Service", "Service/api: targetPort \"web\" is no container port", "Service/ghost: selects no pods",
                     "scales StatefulSet/api, which is not rendered", "volume tls: Secret s has no key tls.crt",
                 })
            Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)), $"not caught: {expected}\n{string.Join("\n", problems)}");
    }

    /// <summary>Renders the chart (the published one unless another is named first) and fails on any schema or rule problem.</summary>
    private Task<IReadOnlyList<JsonObject>> RenderAndValidateAsync(params string[] args) => RenderAndValidateChartAsync(published.Chart, args);

    private static async Task<IReadOnlyList<JsonObject>> RenderAndValidateChartAsync(string chart, params string[] args)
    {
        var rendered = await Helm.TemplateAsync(chart, args);
        var (objects, schemaProblems) = await KubernetesSchemas.ValidateAsync(rendered);
        Assert.True(schemaProblems.Count == 0, "API schema problems:\n" + string.Join("\n", schemaProblems) + "\n" + rendered);
        var ruleProblems = ChartValidator.Validate(objects);
        Assert.True(ruleProblems.Count == 0, "Chart rule problems:\n" + string.Join("\n", ruleProblems) + "\n" + rendered);
        return objects;
    }

    private static JsonObject Workload(IReadOnlyList<JsonObject> objects, string name) =>
        objects.Single(o => o["kind"]!.GetValue<string>() is "Deployment" or "StatefulSet" && ChartValidator.Name(o) == name);

    private static JsonObject Service(IReadOnlyList<JsonObject> objects, string name) =>
        ChartValidator.Named(objects, "Service").Single(s => ChartValidator.Name(s) == name);

    private static JsonNode Container(IReadOnlyList<JsonObject> objects, string workload) =>
        Workload(objects, workload)["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single()!;

    /// <summary>A container's env entries by name, in order.</summary>
    private static Dictionary<string, JsonNode> Environment(JsonNode container) =>
        container["env"]!.AsArray().ToDictionary(e => e!["name"]!.GetValue<string>(), e => e!);

    private static string Decode(JsonNode base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64.GetValue<string>()));

    private static IEnumerable<string> Leaves(YamlMappingNode map, string prefix) =>
        map.Children.SelectMany(kv => kv.Value is YamlMappingNode { Children.Count: > 0 } nested
            ? Leaves(nested, $"{prefix}{((YamlScalarNode)kv.Key).Value}.")
            : [$"{prefix}{((YamlScalarNode)kv.Key).Value}"]);
}
