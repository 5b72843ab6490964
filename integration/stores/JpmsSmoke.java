// The store modules on the module path (.ci/run runs this after start.sh): the JDBC store migrates
// its schema from the SQL resources inside its named module and round-trips a policy through
// PostgreSQL; the Redis store does the same through Redis. Run with
//   java -p <module path> --add-modules org.mtasts.store.jdbc,org.mtasts.store.redis,org.postgresql.jdbc \
//        integration/stores/JpmsSmoke.java <jdbc url> <user> <redis uri>
import java.time.Instant;
import java.util.Map;
import org.mtasts.core.CachedPolicy;
import org.mtasts.core.DomainName;
import org.mtasts.core.StsPolicy;
import org.mtasts.store.jdbc.JdbcPolicyStore;
import org.mtasts.store.redis.RedisPolicyStore;

public class JpmsSmoke {
    public static void main(String[] args) {
        String text = "version: STSv1\nmode: enforce\nmx: mx.jpms.example\nmax_age: 86400\n";
        CachedPolicy p = CachedPolicy.of(DomainName.of("jpms-smoke.example"), "jpms1", StsPolicy.parse(text).orElseThrow(),
                text, Instant.now());
        check(JdbcPolicyStore.class.getModule().isNamed(), "org.mtasts.store.jdbc is not a named module");
        try (JdbcPolicyStore jdbc = JdbcPolicyStore.open(args[0], Map.of("username", args[1]))) {
            jdbc.put(p);
            check(jdbc.get(p.domain()).orElseThrow().recordId().equals("jpms1"), "JDBC round trip");
            jdbc.remove(p.domain());
        }
        try (RedisPolicyStore redis = RedisPolicyStore.open(args[2])) {
            redis.put(p);
            check(redis.get(p.domain()).orElseThrow().recordId().equals("jpms1"), "Redis round trip");
            redis.remove(p.domain());
        }
        System.out.println("jpms: " + JdbcPolicyStore.class.getModule() + " and " + RedisPolicyStore.class.getModule()
                + " work on the module path");
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
