// A first look at mtasts-core: run with
//   ./mvnw -B -q -pl mtasts-core -am package -DskipTests
//   jshell --class-path mtasts-core/target/classes examples/quickstart.jsh
import org.mtasts.core.*;

var record = StsRecord.parse("v=STSv1; id=20160831085700Z;");
System.out.println("record:  " + record);

var selection = RecordSelection.sts(java.util.List.of("v=spf1 -all", "v=STSv1; id=1", "v=STSv1; id=2"));
System.out.println("two STS records at one name: " + selection.kind());

var policy = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.backup.example.com\nmax_age: 604800\n");
System.out.println("policy:  " + policy);
var p = policy.orElseThrow();
for (String mx : java.util.List.of("mail.example.com", "a.backup.example.com", "a.b.backup.example.com")) {
    System.out.println("  " + mx + " allowed under enforce: " + DeliveryDecision.mayConnect(p, DomainName.of(mx)));
}

var bad = StsPolicy.parse("version: STSv1\nmode: enforce\nmx: *.*.example.com\nmax_age: 86400\n");
System.out.println("bad policy: " + bad.syntaxError().orElseThrow());

var rpt = TlsRptRecord.parse("v=TLSRPTv1; rua=mailto:tlsrpt@example.com,https://reports.example.com/tlsrpt");
System.out.println("tlsrpt:  " + rpt);
/exit
