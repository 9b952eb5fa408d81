package io.labforge.common.lab.gitlab;

import io.labforge.common.lab.LabFileRef;
import io.labforge.common.lab.LabReading;
import io.labforge.common.lab.LabSection;
import io.labforge.common.lab.YamlWalker;
import io.labforge.common.lab.secret.SecretRef;
import io.labforge.common.net.Cidr;
import io.labforge.common.tls.Pki;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** The {@code gitlab:} section (Part 1, R5–R13). */
final class GitlabReader implements LabSection<GitlabSpec> {
    static final GitlabReader SECTION = new GitlabReader();
    /** A PEM certificate is a few KiB: anything larger is not one. */
    static final int MAX_PEM_BYTES = 64 * 1024;
    private static final Set<String> KEYS = Set.of("host", "externalUrl", "registryPort", "install", "rootPassword", "token", "image",
            "packageRepository", "monitoringAllow", "images", "tls", "runners", "projects", "hooksDir");
    private static final Pattern RUNNER_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final Pattern RUNNER_TAG = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    @Override
    public String key() {
        return "gitlab";
    }

    @Override
    public Class<GitlabSpec> type() {
        return GitlabSpec.class;
    }

    @Override
    public List<LabFileRef> files(GitlabSpec g) {
        if (g.tls() == null || g.tls().isPublic()) {
            return List.of();
        }
        // GitLab's certificate and its CA (public: the key is a secret, never a file of the lab)
        return List.of(new LabFileRef(g.tls().certificate(), "gitlab.tls.certificate", false, MAX_PEM_BYTES),
                new LabFileRef(g.tls().ca(), "gitlab.tls.ca", false, MAX_PEM_BYTES));
    }

    @Override
    public GitlabSpec read(Node node, LabReading in) {
        YamlWalker w = in.yaml();
        Map<String, Node> g = w.mapping(node, "gitlab", KEYS, Set.of("host"));
        String host = in.hostRef(g.get("host"), "gitlab.host");
        String url = w.string(g.get("externalUrl"), "gitlab.externalUrl");
        if (url != null && !isHttpUrl(url)) {
            w.error("gitlab.externalUrl", "'" + url + "' is not an http(s) URL", "write e.g. https://gitlab.lab.example (R5)");
            url = null;
        }
        Integer port = w.integer(g.get("registryPort"), "gitlab.registryPort", 1, 65535, "port");
        String install = w.string(g.get("install"), "gitlab.install");
        if (install != null && !List.of("omnibus", "container", "existing").contains(install)) {
            w.error("gitlab.install", "install '" + install + "' is not known",
                    "write omnibus (the package), container (gitlab/gitlab-ce) or existing (a GitLab already running)");
        }
        String secret = SecretRef.read(in, g.get("rootPassword"), "gitlab.rootPassword", "GITLAB_ROOT_PASSWORD", "a password");
        String token = SecretRef.read(in, g.get("token"), "gitlab.token", "GITLAB_TOKEN", "a token");
        if ("existing".equals(install) && token == null && !g.containsKey("token")) {
            w.error("gitlab.token", node, "with install: existing Labforge cannot make its own API token on the GitLab host",
                    "make a personal access token (scopes api, write_repository) for an administrator, then write token: {secret: GITLAB_TOKEN}");
        }
        String image = w.string(g.get("image"), "gitlab.image");
        if (image != null && !"container".equals(install)) {
            w.error("gitlab.image", "an image is used only with install: container", "remove image, or write install: container");
        }
        String packages = in.text(g.get("packageRepository"), "gitlab.packageRepository", u -> u.matches("https?://[^\\s'\"]+"),
                "an http(s) URL", "write e.g. https://packages.gitlab.com (or a mirror of it)");
        List<String> allow = w.strings(g.get("monitoringAllow"), "gitlab.monitoringAllow");
        for (int i = 0; i < allow.size(); i++) {
            if (!Cidr.valid(allow.get(i))) {
                w.error("gitlab.monitoringAllow[" + i + "]", "'" + allow.get(i) + "' is not an IPv4 address range", "write e.g. 10.78.0.1/32");
            }
        }
        List<GitlabSpec.Runner> runners = runners(g.get("runners"), in);
        List<String> projects = w.strings(g.get("projects"), "gitlab.projects");
        for (int i = 0; i < projects.size(); i++) {
            if (!GitlabSpec.KNOWN_PROJECTS.contains(projects.get(i))) {
                w.error("gitlab.projects[" + i + "]", "Labforge does not know how to seed a project '" + projects.get(i) + "'",
                        "name one of " + GitlabSpec.KNOWN_PROJECTS);
            }
        }
        List<GitlabSpec.Image> images = images(g.get("images"), projects, port, w);
        GitlabSpec.Tls tls = tls(g.get("tls"), url, install, in);
        String hooksDir = w.string(g.get("hooksDir"), "gitlab.hooksDir");
        if (hooksDir != null && (!hooksDir.startsWith("/") || hooksDir.contains(".."))) {
            w.error("gitlab.hooksDir", "'" + hooksDir + "' is not an absolute directory", "write e.g. " + GitlabSpec.DEFAULT_HOOKS_DIR);
        }
        if (url == null && host != null && !g.containsKey("externalUrl")) {
            w.error("gitlab", node, "the lab's GitLab has no externalUrl", "write externalUrl: https://" + host + ".<domain> (R5)");
        }
        return new GitlabSpec(host, url, port, install == null ? "omnibus" : install, secret, List.copyOf(runners), List.copyOf(projects),
                hooksDir == null ? GitlabSpec.DEFAULT_HOOKS_DIR : hooksDir, token, image, packages, List.copyOf(allow), List.copyOf(images), tls);
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI u = new URI(url);
            return ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static List<GitlabSpec.Runner> runners(Node node, LabReading in) {
        YamlWalker w = in.yaml();
        List<GitlabSpec.Runner> runners = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Node> items = w.sequence(node, "gitlab.runners");
        for (int i = 0; i < items.size(); i++) {
            String rp = "gitlab.runners[" + i + "]";
            Map<String, Node> r = w.mapping(items.get(i), rp, Set.of("name", "host", "executor", "tags", "runUntagged", "image"),
                    Set.of("host", "executor"));
            String host = in.hostRef(r.get("host"), rp + ".host");
            String executor = w.string(r.get("executor"), rp + ".executor");
            if (executor != null && !executor.equals("docker") && !executor.equals("shell")) {
                w.error(rp + ".executor", "executor '" + executor + "' is not one Labforge sets up", "write docker or shell (R9)");
            }
            List<String> tags = w.strings(r.get("tags"), rp + ".tags");
            for (int t = 0; t < tags.size(); t++) {
                if (!RUNNER_TAG.matcher(tags.get(t)).matches()) {
                    w.error(rp + ".tags[" + t + "]", "'" + tags.get(t) + "' is not a runner tag", "use lowercase letters, digits, '.', '_' or '-'");
                }
            }
            String name = w.string(r.get("name"), rp + ".name");
            if (name == null) {
                name = (host == null ? "runner" : host) + "-" + (executor == null ? i : executor);
            }
            if (!RUNNER_NAME.matcher(name).matches()) {
                w.error(rp + ".name", "'" + name + "' is not a runner name", "use letters, digits, '_', '.' or '-'");
            } else if (!names.add(name)) {
                w.error(rp + ".name", "runner " + name + " is defined twice",
                        "give each runner its own name (two runners on one host with one executor need names)");
            }
            Boolean untagged = w.bool(r.get("runUntagged"), rp + ".runUntagged");
            String image = w.string(r.get("image"), rp + ".image");
            if (image != null && !"docker".equals(executor)) {
                w.error(rp + ".image", "only a docker runner has a default image", "remove image, or write executor: docker");
            }
            runners.add(new GitlabSpec.Runner(name, host, executor, List.copyOf(tags), untagged != null && untagged, image));
        }
        return runners;
    }

    /** R7: images pushed to a project's registry. */
    private static List<GitlabSpec.Image> images(Node node, List<String> projects, Integer registryPort, YamlWalker w) {
        List<GitlabSpec.Image> images = new ArrayList<>();
        List<Node> items = w.sequence(node, "gitlab.images");
        for (int i = 0; i < items.size(); i++) {
            String ip = "gitlab.images[" + i + "]";
            Map<String, Node> m = w.mapping(items.get(i), ip, Set.of("project", "name", "from", "tag"), Set.of("project", "name", "from"));
            String project = w.string(m.get("project"), ip + ".project");
            String name = w.string(m.get("name"), ip + ".name");
            String from = w.string(m.get("from"), ip + ".from");
            String tag = w.string(m.get("tag"), ip + ".tag");
            if (project != null && !projects.contains(project)) {
                w.error(ip + ".project", "'" + project + "' is not one of the lab's projects " + projects, "name a project listed under gitlab.projects");
            }
            if (name != null && !ImageNames.isName(name)) {
                w.error(ip + ".name", "'" + name + "' is not an image name", "use lower-case letters, digits, '.', '_' or '-'");
            }
            if (tag != null && !ImageNames.isTag(tag)) {
                w.error(ip + ".tag", "'" + tag + "' is not an image tag", "use letters, digits, '_', '.' or '-' (at most 128)");
            }
            if (from != null && !ImageNames.isReference(from)) {
                w.error(ip + ".from", "'" + from + "' is not an image reference", "write e.g. debian:bookworm");
            }
            if (registryPort == null) {
                w.error(ip, items.get(i), "an image is pushed to GitLab's registry and the lab enables none", "give gitlab.registryPort (e.g. 5050)");
            }
            images.add(new GitlabSpec.Image(project, name, from, tag == null ? "latest" : tag));
        }
        return images;
    }

    /**
     * {@code tls: {certificate, ca, key: {secret}}}: files next to the lab, checked as far as a lab can be:
     * PEM certificates, the certificate signed by the CA, naming the URL's host. {@code tls: public}: an
     * existing GitLab with a certificate from a public CA.
     */
    private static GitlabSpec.Tls tls(Node node, String url, String install, LabReading in) {
        YamlWalker w = in.yaml();
        if (node == null) {
            return null;
        }
        if (node instanceof ScalarNode sc && "public".equals(sc.getValue())) {
            if (!"existing".equals(install)) {
                w.error("gitlab.tls", node, "tls: public is for install: existing (a GitLab with a certificate from a public CA)",
                        "remove it (the lab's CA signs the certificate), or give {certificate, ca, key: {secret}}");
            }
            return GitlabSpec.Tls.PUBLIC;
        }
        Map<String, Node> t = w.mapping(node, "gitlab.tls", Set.of("certificate", "ca", "key"), Set.of("certificate", "ca", "key"));
        String cert = w.string(t.get("certificate"), "gitlab.tls.certificate");
        String ca = w.string(t.get("ca"), "gitlab.tls.ca");
        String key = SecretRef.read(in, t.get("key"), "gitlab.tls.key", "GITLAB_TLS_KEY", "a private key");
        if ("existing".equals(install)) {
            w.error("gitlab.tls", node, "an existing GitLab keeps the TLS it has", "remove tls, or let Labforge install GitLab");
        }
        String certPem = in.file(cert, "gitlab.tls.certificate", t.get("certificate"));
        String caPem = in.file(ca, "gitlab.tls.ca", t.get("ca"));
        if (certPem != null && caPem != null) {
            try {
                X509Certificate c = Pki.certificate(certPem);
                X509Certificate a = Pki.certificate(caPem);
                try {
                    c.verify(a.getPublicKey());
                } catch (GeneralSecurityException e) {
                    w.error("gitlab.tls.certificate", t.get("certificate"), cert + " is not signed by " + ca,
                            "give the CA that issued the certificate in gitlab.tls.ca");
                }
                String host = url == null ? null : URI.create(url).getHost();
                List<String> names = new ArrayList<>();
                if (c.getSubjectAlternativeNames() != null) {
                    c.getSubjectAlternativeNames().forEach(n -> names.add(String.valueOf(n.get(1))));
                }
                if (host != null && !names.contains(host)) {
                    w.error("gitlab.tls.certificate", t.get("certificate"), cert + " names " + names + ", not " + host,
                            "use a certificate whose subject alternative names hold " + host);
                }
            } catch (IllegalArgumentException | CertificateParsingException e) {
                w.error("gitlab.tls", node, "the certificate or the CA is not a PEM certificate", "give PEM files (-----BEGIN CERTIFICATE-----)");
            }
        }
        return new GitlabSpec.Tls(cert, ca, key, certPem, caPem);
    }
}
