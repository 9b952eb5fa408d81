package io.labforge.devrig.it;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.Method;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.IllegalConnectorArgumentsException;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A process of the product's stopped at a chosen point of its own code, to be killed there: a debugger
 * (JDI over JDWP, the JDK's own) sets a breakpoint at a method's first line; the first thread of the
 * given name to reach it stays suspended and is reported, every other thread passes. The product
 * carries no hook for it: the JVM is started with {@link #jvmOption(int)}.
 */
final class Debuggee implements AutoCloseable {
    /** Where a process was stopped: its name and the point. */
    record Hit(String process, String point) {
    }

    private final String name;
    private final VirtualMachine vm;
    private final BlockingQueue<Hit> hits;
    /** point ("type.method") → the thread name that stops there; removed points pass. */
    private final Map<String, String> armed = new ConcurrentHashMap<>();
    private final Thread events;

    static String jvmOption(int port) {
        return "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:" + port;
    }

    /** Attaches to the process {@code name} listening for a debugger on {@code port}; hits go to {@code hits}. */
    Debuggee(String name, int port, BlockingQueue<Hit> hits) {
        this.name = name;
        this.hits = hits;
        AttachingConnector socket = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketAttach")).findFirst().orElseThrow();
        Map<String, Connector.Argument> args = socket.defaultArguments();
        args.get("hostname").setValue("127.0.0.1");
        args.get("port").setValue(Integer.toString(port));
        try {
            this.vm = socket.attach(args);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot attach to " + name + " on port " + port, e);
        } catch (IllegalConnectorArgumentsException e) {
            throw new IllegalArgumentException(e);
        }
        this.events = new Thread(this::dispatch, "debugger-" + name);
        events.setDaemon(true);
        events.start();
    }

    /** Stops the first thread named {@code thread} that enters {@code type.method} (any overload). */
    synchronized void stopAt(String type, String method, String thread) {
        armed.put(type + "." + method, thread);
        List<ReferenceType> loaded = vm.classesByName(type);
        if (loaded.isEmpty()) { // not loaded yet: the breakpoint is set when it is
            ClassPrepareRequest r = vm.eventRequestManager().createClassPrepareRequest();
            r.addClassFilter(type);
            r.putProperty("method", method);
            r.putProperty("point", type + "." + method);
            r.enable();
        } else {
            loaded.forEach(t -> breakpoints(t, method));
        }
    }

    /** Lets every thread pass {@code type.method} from now on (the breakpoints are removed: nothing slows it). */
    synchronized void pass(String type, String method) {
        String point = type + "." + method;
        armed.remove(point);
        try {
            var requests = vm.eventRequestManager();
            requests.deleteEventRequests(requests.breakpointRequests().stream().filter(r -> point.equals(r.getProperty("point"))).toList());
            requests.deleteEventRequests(requests.classPrepareRequests().stream().filter(r -> point.equals(r.getProperty("point"))).toList());
        } catch (VMDisconnectedException gone) {
            // killed: nothing to remove
        }
    }

    private void breakpoints(ReferenceType type, String method) {
        for (Method m : type.methodsByName(method)) {
            if (m.location() != null) {
                BreakpointRequest b = vm.eventRequestManager().createBreakpointRequest(m.location());
                b.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
                b.putProperty("point", type.name() + "." + method);
                b.enable();
            }
        }
    }

    private void dispatch() {
        try {
            while (true) {
                EventSet set = vm.eventQueue().remove();
                boolean keepSuspended = false;
                for (Event e : set) {
                    if (e instanceof ClassPrepareEvent p) {
                        synchronized (this) {
                            breakpoints(p.referenceType(), (String) p.request().getProperty("method"));
                        }
                    } else if (e instanceof BreakpointEvent b) {
                        String point = (String) b.request().getProperty("point");
                        if (b.thread().name().equals(armed.get(point))) {
                            armed.remove(point); // the first one only
                            keepSuspended = true;
                            hits.add(new Hit(name, point));
                        }
                    }
                }
                if (!keepSuspended) {
                    set.resume();
                }
            }
        } catch (VMDisconnectedException | InterruptedException gone) {
            // the process ended (killed), or the test is over
        }
    }

    @Override
    public void close() {
        try {
            vm.dispose();
        } catch (VMDisconnectedException gone) {
            // already dead
        }
        events.interrupt();
    }
}
