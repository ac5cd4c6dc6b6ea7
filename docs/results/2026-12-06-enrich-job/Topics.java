// Creates topics for enr.sh: java -cp "DIR/lib/*" Topics.java BOOTSTRAP PARTITIONS NAME...
import java.util.*;
import org.apache.kafka.clients.admin.*;
public class Topics {
  public static void main(String[] a) throws Exception {
    try (Admin ad = Admin.create(Map.of("bootstrap.servers", a[0]))) {
      List<NewTopic> t = new ArrayList<>();
      for (int i = 2; i < a.length; i++) t.add(new NewTopic(a[i], Integer.parseInt(a[1]), (short) 1));
      ad.createTopics(t).all().get();
    }
  }
}
