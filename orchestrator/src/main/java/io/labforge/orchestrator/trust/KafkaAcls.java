package io.labforge.orchestrator.trust;

import io.labforge.common.command.ClusterCommand;
import io.labforge.common.command.GitlabCommand;
import io.labforge.common.messaging.Bus;
import io.labforge.common.messaging.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The broker's ACLs, set by the orchestrator (a super user of the broker) through Kafka's Admin API.
 * An agent reads the agent command topic (its own partition: ACLs cannot name a partition, and what is
 * secret in a command is sealed to its host) and commits in its own group; a service reads its command
 * topic in its group; both write step events and presence, and nothing else. Only the orchestrator
 * writes commands.
 */
public final class KafkaAcls implements BusAccess, AutoCloseable {
    private final Bus bus;
    private Admin admin;

    public KafkaAcls(Bus bus) {
        this.bus = bus;
    }

    /** One admin client, made on first use and kept (a registration costs no TLS handshake). */
    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(bus.admin());
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }

    /** The topic and the consumer group a worker reads its commands from. */
    record Commands(String topic, String group) {
    }

    static Commands commandsOf(String worker) {
        if (worker.equals(ClusterCommand.TARGET)) {
            return new Commands(Topics.CLUSTER_COMMANDS, "labforge-" + worker);
        }
        if (worker.equals(GitlabCommand.TARGET)) {
            return new Commands(Topics.GITLAB_COMMANDS, "labforge-" + worker);
        }
        return new Commands(Topics.AGENT_COMMANDS, "labforge-agent-" + worker);
    }

    static List<AclBinding> rightsOf(String worker, String principal) {
        Commands c = commandsOf(worker);
        String user = "User:" + principal;
        List<AclBinding> out = new ArrayList<>();
        out.add(allow(ResourceType.TOPIC, c.topic(), user, AclOperation.READ));
        out.add(allow(ResourceType.GROUP, c.group(), user, AclOperation.READ));
        out.add(allow(ResourceType.TOPIC, Topics.STEP_EVENTS, user, AclOperation.WRITE));
        out.add(allow(ResourceType.TOPIC, Topics.AGENT_PRESENCE, user, AclOperation.WRITE));
        return out;
    }

    private static AclBinding allow(ResourceType type, String name, String user, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL), new AccessControlEntry(user, "*", op, AclPermissionType.ALLOW));
    }

    /**
     * Waits until the broker's authorizer shows the new rights: the controller has them once createAcls
     * returns, the broker a moment later, and a worker that subscribes in between would be refused.
     */
    private void awaitApplied(Admin admin, String principal, List<AclBinding> rights)
            throws ExecutionException, TimeoutException, InterruptedException {
        AclBindingFilter mine = new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter("User:" + principal, null,
                AclOperation.ANY, AclPermissionType.ANY));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!admin.describeAcls(mine).values().get(30, TimeUnit.SECONDS).containsAll(rights)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the broker did not show " + principal + "'s rights within 10 s");
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void revoke(String principal) {
        try {
            admin().deleteAcls(List.of(new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter("User:" + principal, null,
                    AclOperation.ANY, AclPermissionType.ANY)))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot take " + principal + "'s rights on Kafka (" + bus.servers() + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void grantAuditor(String principal, String group) {
        String user = "User:" + principal;
        List<AclBinding> rights = List.of(allow(ResourceType.TOPIC, Topics.AUDIT, user, AclOperation.READ),
                allow(ResourceType.GROUP, group, user, AclOperation.READ));
        try {
            admin().createAcls(rights).all().get(30, TimeUnit.SECONDS);
            awaitApplied(admin(), principal, rights);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot set the auditor " + principal + "'s rights on Kafka (" + bus.servers() + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void grant(String worker, String principal, String previous) {
        try {
            Admin admin = admin();
            if (previous != null && !previous.equals(principal)) {
                admin.deleteAcls(List.of(new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter("User:" + previous, null,
                        AclOperation.ANY, AclPermissionType.ANY)))).all().get(30, TimeUnit.SECONDS);
            }
            List<AclBinding> rights = rightsOf(worker, principal);
            admin.createAcls(rights).all().get(30, TimeUnit.SECONDS);
            awaitApplied(admin, principal, rights);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot set " + worker + "'s rights on Kafka (" + bus.servers() + "): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
