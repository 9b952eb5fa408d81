package io.labforge.devrig.bench;

import io.labforge.common.features.Features;
import io.labforge.common.id.SagaId;
import io.labforge.common.lab.Lab;
import io.labforge.devrig.labhosts.Cmd;
import io.labforge.devrig.labhosts.LocalLab;
import io.labforge.orchestrator.bootstrap.HostBootstrap;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.runtime.LabSubmissions;
import io.labforge.orchestrator.runtime.SagaReads;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.orchestrator.trust.WorkerIdentities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * The side-by-side benchmark's SSH variant: the same three-host lab on lab-host containers (systemd, sshd, firewalld,
 * Docker), once by Labforge (agents installed over SSH by {@code hosts bootstrap}, then two applies) and once, on
 * fresh containers, by Ansible over SSH. The lab is the {@code student} role: hostname, every host in
 * {@code /etc/hosts}, firewall ports (firewalld runs on these hosts, so both tools go through it), Docker's
 * {@code daemon.json} and a restart of dockerd when it changed. Afterwards the files and the running state both tools
 * are responsible for are read from every host and compared.
 *
 * <p>Measured: wall time; CPU on this machine (Labforge: this JVM with the orchestrator and the broker, and
 * PostgreSQL; Ansible: ansible-playbook and its ssh clients); CPU on the hosts (each container's whole cgroup, so
 * everything the run caused there: agents, sshd, Python modules, firewalld, dockerd's restart); the peak of the
 * tool's summed resident memory, here and on the hosts (Labforge's agents; Ansible's modules while they run).
 */
final class SshComparison {
    static final String LAB = """
            apiVersion: labforge/v1
            kind: Lab
            name: bench-ssh
            domain: ssh.test
            onFailure: pause
            roles:
              student:
                firewall:
                  ports: [22/tcp, 80/tcp, 9323/tcp]
                docker:
                  metrics-addr: 0.0.0.0:9323
            hosts:
              - {name: node1, address: 10.84.0.11, roles: [student]}
              - {name: node2, address: 10.84.0.12, roles: [student]}
              - {name: node3, address: 10.84.0.13, roles: [student]}
            """;
    private static final List<String> PORTS = List.of("22/tcp", "80/tcp", "9323/tcp");
    /** What is compared on each host afterwards: files, then the running state, each read by an argv. */
    private static final Map<String, List<String>> STATE = new LinkedHashMap<>();

    static {
        STATE.put("/etc/hostname", List.of("cat", "/etc/hostname"));
        STATE.put("/etc/hosts", List.of("cat", "/etc/hosts"));
        STATE.put("/etc/docker/daemon.json", List.of("cat", "/etc/docker/daemon.json"));
        STATE.put("/etc/firewalld/zones/public.xml", List.of("cat", "/etc/firewalld/zones/public.xml"));
        STATE.put("hostname (kernel)", List.of("hostname"));
        STATE.put("firewalld's runtime ports", List.of("firewall-cmd", "--zone", "public", "--list-ports"));
        STATE.put("what listens on 9323 (dockerd's metrics)", List.of("ss", "-ltnH", "sport = :9323"));
    }

    private final Path dir;
    private final Path jar;
    private final String ansible;
    private final String ansibleVersion;

    SshComparison(Path dir, Path jar, String ansible, String ansibleVersion) {
        this.dir = dir;
        this.jar = jar;
        this.ansible = ansible;
        this.ansibleVersion = ansibleVersion;
    }

    /** Runs both tools; returns the table's rows, the last one saying whether both left the same state. */
    List<String> run() throws Exception {
        Lab lab = Features.PARSER.parse(LAB, "bench-ssh.yaml");
        LocalLab local = new LocalLab(lab, dir.resolve("home"));
        List<String> rows = new ArrayList<>();
        Map<String, String> byLabforge;
        Map<String, String> byAnsible;
        try {
            System.out.println("SSH variant: three lab-host containers for Labforge …");
            local.down();
            local.up(Duration.ofMinutes(3));
            byLabforge = labforge(lab, local, rows);
            System.out.println("SSH variant: three fresh lab-host containers for Ansible …");
            local.down();
            local.up(Duration.ofMinutes(3));
            byAnsible = ansible(lab, local, rows);
        } finally {
            local.down();
        }
        List<String> differ = new ArrayList<>();
        byLabforge.forEach((k, v) -> {
            if (!v.equals(byAnsible.get(k))) {
                differ.add(k);
            }
        });
        rows.add("| 3 over SSH | same files and state on every host | " + (differ.isEmpty() ? "yes" : "NO: " + differ) + " | | | | | |");
        return rows;
    }

    private Map<String, String> labforge(Lab lab, LocalLab local, List<String> rows) throws Exception {
        Path lf = dir.resolve("labforge-ssh");
        try (BenchStack stack = BenchStack.start(lf, local.gateway())) {
            WorkerIdentities identities = stack.bean(WorkerIdentities.class);
            long t0 = System.nanoTime();
            HostBootstrap b = new HostBootstrap(jar, dir.resolve("home/known_hosts"), new HostBootstrap.Login("root", local.privateKey(), null),
                    stack.infra().kafkaBootstrapServers(), Files.readString(lf.resolve("orchestrator/orchestrator.pub")),
                    Files.readString(lf.resolve("orchestrator/sealing.pub")), id -> identities.register(id, "bench"));
            for (HostBootstrap.Outcome o : b.all(lab.hosts().stream().map(h -> new String[] {h.name(), h.address()}).toList())) {
                if (!o.ok()) {
                    throw new IllegalStateException("hosts bootstrap failed on " + o.host() + ": " + o.detail());
                }
            }
            SagaRepository repo = stack.bean(SagaRepository.class);
            Awaitility.await("agents announce themselves").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .until(() -> repo.hosts(lab.hostNames()).stream().filter(r -> r.get("announced_at") != null).count() == lab.hosts().size());
            double installed = (System.nanoTime() - t0) / 1e9;
            List<Long> here = new ArrayList<>(List.of(ProcessHandle.current().pid()));
            here.addAll(AnsibleComparison.postgres(lf.resolve("infra")));
            List<String> containers = lab.hosts().stream().map(local::container).map(SshComparison::id).toList();
            for (String run : List.of("first apply", "no change")) {
                double hostCpu0 = containerCpu(containers);
                ToolMeter.Figures f = ToolMeter.measure(here, () -> inContainers(containers, c -> c.contains("labforge-agent")), () -> {
                    SagaId id = stack.bean(LabSubmissions.class).submit(LAB, Saga.Mode.APPLY, "bench");
                    SagaReads reads = stack.bean(SagaReads.class);
                    Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(() -> reads.status(id).isFinal());
                    return reads.status(id).name();
                });
                rows.add(row("Labforge", run, f, containerCpu(containers) - hostCpu0,
                        f.outcome() + (run.equals("first apply") ? String.format(" (agents installed over SSH in %.1f s before)", installed) : "")));
            }
            return state(lab, local);
        }
    }

    private Map<String, String> ansible(Lab lab, LocalLab local, List<String> rows) throws Exception {
        Path an = dir.resolve("ansible-ssh");
        Files.createDirectories(an);
        StringBuilder inv = new StringBuilder("[all]\n");
        StringBuilder block = new StringBuilder();
        for (Lab.Host h : lab.hosts()) {
            inv.append(h.name()).append(" ansible_host=").append(h.address()).append(" ansible_user=root ansible_python_interpreter=/usr/bin/python3")
                    .append(" ansible_ssh_private_key_file=").append(local.privateKey().toAbsolutePath())
                    // fresh containers, fresh host keys: the benchmark's hosts are not worth a known_hosts entry
                    .append(" ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'\n");
            block.append("          ").append(h.address()).append(' ').append(h.name()).append('.').append(lab.domain()).append(' ').append(h.name()).append('\n');
        }
        Files.writeString(an.resolve("inventory.ini"), inv);
        Files.writeString(an.resolve("playbook.yml"), playbook(block.toString().stripTrailing()));
        List<String> containers = lab.hosts().stream().map(local::container).map(SshComparison::id).toList();
        for (String run : List.of("first apply", "no change")) {
            String name = run.replace(' ', '-');
            Path times = an.resolve("time-" + name);
            Path log = an.resolve("ansible-" + name + ".log");
            double hostCpu0 = containerCpu(containers);
            ToolMeter.Figures f = ToolMeter.measure(List.of(), () -> inContainers(containers, c -> c.contains(".ansible/tmp")),
                    () -> new ProcessBuilder("/usr/bin/time", "-o", times.toString(), "-f", "%U %S", ansible, "-i", "inventory.ini", "playbook.yml")
                            .directory(an.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start());
            double hostCpu = containerCpu(containers) - hostCpu0;
            String[] cpu = Files.readString(times).strip().lines().reduce((a, b) -> b).orElse("0 0").split(" ");
            String recap = Files.readString(log).lines().filter(l -> l.contains("changed="))
                    .map(l -> l.replaceAll(".*changed=(\\d+).*failed=(\\d+).*", "changed=$1 failed=$2")).distinct()
                    .reduce((a, b) -> a + ", " + b).orElse("?");
            rows.add(row("Ansible " + ansibleVersion, run, new ToolMeter.Figures(f.wall(), Double.parseDouble(cpu[0]) + Double.parseDouble(cpu[1]),
                    f.peakMb(), f.outcome()), hostCpu, recap + " (" + f.outcome() + ")"));
        }
        return state(lab, local);
    }

    private static String row(String tool, String run, ToolMeter.Figures f, double hostCpu, String outcome) {
        return String.format("| 3 over SSH | %s | %s | %.1f s | %.1f s | %.1f s | %d MB | %s |", tool, run, f.wall(), f.cpu(), hostCpu, f.peakMb(), outcome);
    }

    /**
     * The playbook a careful Ansible user would write for the same lab on these hosts. {@code /etc/hostname} and
     * {@code /etc/hosts} are bind mounts in a container: Ansible's atomic rename cannot replace them, so those two tasks
     * write in place ({@code unsafe_writes}), as Labforge's agent does. firewalld's module is from ansible.posix (Debian's
     * {@code ansible} package).
     */
    private static String playbook(String hostsBlock) {
        String ports = String.join(", ", PORTS);
        return """
                - hosts: all
                  gather_facts: false
                  handlers:
                    - name: restart docker
                      ansible.builtin.systemd: {name: docker, state: restarted}
                  tasks:
                    - name: hostname, read at boot
                      ansible.builtin.copy: {dest: /etc/hostname, content: "{{ inventory_hostname }}\\n", mode: "0644", unsafe_writes: true}
                      register: hostname_file
                    - name: hostname, in the running kernel
                      ansible.builtin.command: {argv: [hostname, "{{ inventory_hostname }}"]}
                      when: hostname_file.changed
                    - name: every host in /etc/hosts
                      ansible.builtin.blockinfile:
                        path: /etc/hosts
                        unsafe_writes: true
                        marker: "# {mark}"
                        marker_begin: "BEGIN labforge (managed by Labforge: edits between these lines are replaced)"
                        marker_end: "END labforge"
                        block: |
                %s
                    - name: firewall ports
                      ansible.posix.firewalld: {zone: public, port: "{{ item }}", permanent: true, immediate: true, state: enabled}
                      loop: [%s]
                    - name: Docker's daemon.json
                      ansible.builtin.copy:
                        dest: /etc/docker/daemon.json
                        mode: "0644"
                        content: |
                          {
                            "metrics-addr" : "0.0.0.0:9323"
                          }
                      notify: restart docker
                """.formatted(hostsBlock, ports);
    }

    /** Each host's compared files and state, keyed by host and item. */
    private static Map<String, String> state(Lab lab, LocalLab local) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Lab.Host h : lab.hosts()) {
            STATE.forEach((item, argv) -> {
                Cmd.Result r = local.exec(h.name(), argv.toArray(String[]::new));
                out.put(h.name() + ": " + item, r.exit() + "\n" + r.out());
            });
        }
        return out;
    }

    /** The PIDs (as this machine sees them) of the processes in these containers (by id) whose command line matches. */
    private static List<Long> inContainers(List<String> ids, Predicate<String> commandLine) {
        return ProcessHandle.allProcesses().filter(p -> commandLine.test(p.info().commandLine().orElse(""))).filter(p -> {
            try {
                String cgroup = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cgroup"));
                return ids.stream().anyMatch(cgroup::contains);
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }).map(ProcessHandle::pid).toList();
    }

    /** A running container's full id. */
    private static String id(String container) {
        return Cmd.require(List.of("docker", "inspect", "--format", "{{.Id}}", container), 30).strip();
    }

    /** CPU seconds the containers' cgroups (by id) have used: cgroup v1's cpuacct.usage, or v2's cpu.stat. */
    private static double containerCpu(List<String> ids) throws IOException {
        double sum = 0;
        for (String id : ids) {
            Path v1 = Path.of("/sys/fs/cgroup/cpuacct/docker", id, "cpuacct.usage");
            Path v2system = Path.of("/sys/fs/cgroup/system.slice/docker-" + id + ".scope/cpu.stat");
            Path v2 = Path.of("/sys/fs/cgroup/docker", id, "cpu.stat");
            if (Files.exists(v1)) {
                sum += Long.parseLong(Files.readString(v1).strip()) / 1e9;
            } else {
                Path stat = Files.exists(v2system) ? v2system : v2;
                sum += Files.readAllLines(stat).stream().filter(l -> l.startsWith("usage_usec ")).mapToLong(l -> Long.parseLong(l.substring(11)))
                        .sum() / 1e6;
            }
        }
        return sum;
    }
}
