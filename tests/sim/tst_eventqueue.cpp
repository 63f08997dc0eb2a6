// Tests of EventQueue: it must hand events back in exactly (time, sequence)
// order, as a reference ordered set does, whatever the spread of times:
// ties at one instant, a dense stream within the ring's second, events far
// beyond it, long idle gaps, negative times, and pushes interleaved with pops
// (never into the past, the queue's precondition).
#include "sim/eventqueue.h"

#include <QtTest>
#include <random>
#include <set>
#include <tuple>

using namespace fallback;

namespace {

struct Reference {
    // (time, sequence, payload): the order the queue must reproduce.
    std::set<std::tuple<Micros, std::uint64_t, std::uint64_t>> events;
    std::uint64_t sequence = 0;
};

} // namespace

class TestEventQueue : public QObject {
    Q_OBJECT

private slots:
    void emptyQueue()
    {
        EventQueue queue;
        QVERIFY(queue.empty());
        QCOMPARE(queue.size(), std::size_t(0));
        queue.push(5, SimEventKind::EngineOp, 1);
        QVERIFY(!queue.empty());
        QCOMPARE(queue.top().time, Micros(5));
        QCOMPARE(queue.pop().value(), std::uint64_t(1));
        QVERIFY(queue.empty());
    }

    void tiesRunInSchedulingOrder()
    {
        EventQueue queue;
        for (std::uint64_t i = 0; i < 100; ++i)
            queue.push(1000, SimEventKind::EngineOp, i);
        queue.push(999, SimEventKind::FaultEnd, 500); // earlier time, later push
        QCOMPARE(queue.pop().value(), std::uint64_t(500));
        for (std::uint64_t i = 0; i < 100; ++i) {
            const SimEvent event = queue.pop();
            QCOMPARE(event.value(), i);
            QCOMPARE(event.kind(), SimEventKind::EngineOp);
        }
        QVERIFY(queue.empty());
    }

    void peekThenEarlierPush()
    {
        // The simulator looks at the next event, then issues an arrival that
        // schedules something sooner: looking must not move the queue on.
        // (A radix-heap queue tried in session 8 advanced its base on a
        // peek and changed the replay's results.)
        EventQueue queue;
        queue.push(100, SimEventKind::EngineOp, 1);
        QCOMPARE(queue.pop().value(), std::uint64_t(1)); // now 100
        queue.push(5000, SimEventKind::EngineOp, 2);
        QCOMPARE(queue.top().time, Micros(5000));
        queue.push(300, SimEventKind::EngineOp, 3); // after the last pop, before the peeked one
        QCOMPARE(queue.top().time, Micros(300));
        QCOMPARE(queue.pop().value(), std::uint64_t(3));
        queue.push(300, SimEventKind::EngineOp, 4); // at the time just popped
        QCOMPARE(queue.pop().value(), std::uint64_t(4));
        QCOMPARE(queue.pop().value(), std::uint64_t(2));
        QVERIFY(queue.empty());
    }

    void farEventsComeBackInOrder()
    {
        // Beyond the ring's reach (about a second), then near ones pushed later.
        EventQueue queue;
        queue.push(3'600'000'000, SimEventKind::ScenarioEvent, 3);
        queue.push(5'000'000, SimEventKind::ScenarioEvent, 2);
        queue.push(10, SimEventKind::EngineOp, 0);
        queue.push(2'000'000, SimEventKind::ScenarioEvent, 1);
        QCOMPARE(queue.size(), std::size_t(4));
        for (std::uint64_t expected = 0; expected < 4; ++expected)
            QCOMPARE(queue.pop().value(), expected);
        QVERIFY(queue.empty());
    }

    void matchesReference_data()
    {
        QTest::addColumn<int>("seed");
        QTest::addColumn<qint64>("maxDelay"); // µs ahead of the current time
        QTest::addColumn<qint64>("quantum");  // times are multiples of it (ties)
        QTest::addColumn<qint64>("maxGap");   // idle jumps of the clock
        QTest::addColumn<bool>("negativeStart");

        QTest::newRow("dense, within the ring")
            << 1 << qint64(20'000) << qint64(1) << qint64(0) << false;
        QTest::newRow("many ties") << 2 << qint64(5'000) << qint64(1'000) << qint64(0) << false;
        QTest::newRow("origin-like delays")
            << 3 << qint64(900'000) << qint64(1) << qint64(0) << false;
        QTest::newRow("beyond the ring")
            << 4 << qint64(30'000'000) << qint64(1) << qint64(0) << false;
        QTest::newRow("idle gaps")
            << 5 << qint64(50'000) << qint64(1) << qint64(120'000'000) << false;
        QTest::newRow("ties beyond the ring")
            << 6 << qint64(10'000'000) << qint64(2'500'000) << qint64(0) << false;
        QTest::newRow("negative times")
            << 7 << qint64(2'000'000) << qint64(1) << qint64(10'000'000) << true;
    }

    void matchesReference()
    {
        QFETCH(int, seed);
        QFETCH(qint64, maxDelay);
        QFETCH(qint64, quantum);
        QFETCH(qint64, maxGap);
        QFETCH(bool, negativeStart);

        std::mt19937_64 random(static_cast<std::uint64_t>(seed));
        EventQueue queue;
        Reference reference;
        Micros now = negativeStart ? -5'000'000 : 0;
        auto push = [&] {
            std::uniform_int_distribution<qint64> delay(0, maxDelay);
            Micros time = now + delay(random);
            time -= ((time % quantum) + quantum) % quantum; // down to a multiple...
            if (time < now)
                time += quantum; // ...but never into the past
            const std::uint64_t payload = reference.sequence;
            const auto kind = static_cast<SimEventKind>(random() % 3);
            queue.push(time, kind, payload);
            reference.events.emplace(time, reference.sequence++, payload);
        };
        for (int i = 0; i < 200; ++i)
            push();
        std::uniform_int_distribution<int> action(0, 99);
        for (int step = 0; step < 200'000; ++step) {
            const int roll = action(random);
            if (roll < 48 || reference.events.empty()) {
                push();
            } else if (roll < 98) {
                QVERIFY(!queue.empty());
                const auto expected = *reference.events.begin();
                reference.events.erase(reference.events.begin());
                QCOMPARE(queue.top().time, std::get<0>(expected));
                const SimEvent event = queue.pop();
                QCOMPARE(event.time, std::get<0>(expected));
                QCOMPARE(event.sequence, std::get<1>(expected));
                QCOMPARE(event.value(), std::get<2>(expected));
                now = std::max(now, event.time);
            } else if (maxGap > 0) {
                // The simulation's clock moves on (arrivals) with nothing due.
                now += std::uniform_int_distribution<qint64>(0, maxGap)(random);
            }
            QCOMPARE(queue.size(), reference.events.size());
        }
        while (!reference.events.empty()) {
            const auto expected = *reference.events.begin();
            reference.events.erase(reference.events.begin());
            const SimEvent event = queue.pop();
            QCOMPARE(event.time, std::get<0>(expected));
            QCOMPARE(event.sequence, std::get<1>(expected));
        }
        QVERIFY(queue.empty());
    }
};

QTEST_APPLESS_MAIN(TestEventQueue)
#include "tst_eventqueue.moc"
