import Foundation
import Hummingbird
import HummingbirdTesting
import SightlineData
import SightlineSearch
import SightlineServer
import SightlineTestSupport
import Testing

/// End to end: the server on a real loopback socket, headless Chromium driven over WebDriver
/// types a real CityFlow-NL query into the page and reads the ranking off it.
@Suite(.serialized)
struct BrowserTests {
    /// Where the results-page screenshot goes: $SIGHTLINE_SCREENSHOT, else .build-artifacts/ (git-ignored).
    static let screenshot: URL = ProcessInfo.processInfo.environment["SIGHTLINE_SCREENSHOT"].map(URL.init(fileURLWithPath:))
        ?? TestData.repository.appendingPathComponent(".build-artifacts/search-results.png")

    @Test(.enabled(if: WebDriver.available, "chromium or chromedriver absent (apt-get install chromium chromium-driver)"),
          .requiresShared("cityflow-nl/2022/test-tracks.json", "cityflow-nl/2022/test-queries.json"))
    func pageShowsTheAPIRankingForARealQuery() async throws {
        let tracks = try TrackFile.load(from: TestData.sharedData("cityflow-nl/2022/test-tracks.json"))
        let query = try #require(try QueryFile.load(from: TestData.sharedData("cityflow-nl/2022/test-queries.json")).first)
        let server = SightlineServer(backend: MemoryBackend(tracks: tracks))
        let driver = try await WebDriver.start()
        defer { driver.stop() }
        let session = try await driver.newSession()
        do {
            try await Application(router: server.router()).test(.live) { client in
                let port = try #require(client.port)
                try await driver.navigate(session, to: "http://localhost:\(port)/")
                try await driver.wait(session, for: "the filters", "return document.querySelectorAll('#colours .chip').length > 0")
                let box = try await driver.element(session, css: "#query")
                // Shift+Enter between descriptions, Enter to search: the keys a user presses.
                let keys = query.nl.joined(separator: "\u{E008}\u{E007}\u{E000}") + "\u{E007}"
                try await driver.sendKeys(session, element: box, keys)
                try await driver.wait(session, for: "the results", "return document.getElementById('results').dataset.state === 'done'")
                let shown = try #require(try await driver.execute(session,
                    "return [...document.querySelectorAll('#results .card')].map(c => c.dataset.track)") as? [String])
                let typed = try #require(try await driver.execute(session, "return document.getElementById('query').value") as? String)
                #expect(typed == query.nl.joined(separator: "\n"))

                let body = try JSONSerialization.data(withJSONObject: ["text": typed, "top": 20])
                let api = try await client.execute(uri: "/search", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body))
                let expected = try api.decoded(SearchResult.self).hits.map(\.track)
                #expect(expected.count == 20)
                #expect(shown == expected)

                let drawn = try await driver.execute(session, "return document.querySelectorAll('#results .card svg polyline, #results .card img').length") as? Int
                #expect(drawn == shown.count, "every card shows a thumbnail or a drawn trajectory")
                let bars = try await driver.execute(session, "return document.querySelectorAll('#results .card .fill').length") as? Int
                #expect((bars ?? 0) >= shown.count, "every card explains its score")
                let styled = try await driver.execute(session,
                    "return [...document.querySelectorAll('#results .card .fill')].filter(f => f.style.width !== '').length") as? Int
                #expect(styled == bars, "the bars' widths are set under the page's Content-Security-Policy")
                let policy = try await driver.execute(session,
                    "return fetch('/').then(r => r.headers.get('content-security-policy'))") as? String
                #expect(policy?.contains("script-src 'self'") == true, "the page is served under its policy")

                try FileManager.default.createDirectory(at: Self.screenshot.deletingLastPathComponent(), withIntermediateDirectories: true)
                try await driver.screenshot(session).write(to: Self.screenshot)

                let first = try await driver.element(session, css: "#results .card")
                try await driver.click(session, element: first)
                try await driver.wait(session, for: "the detail view",
                    "return !document.getElementById('detail').hidden && document.querySelectorAll('#detail-facts dl').length === 1")
                let title = try await driver.execute(session, "return document.getElementById('detail-title').textContent") as? String
                #expect(title == expected.first)
                let detailShot = Self.screenshot.deletingPathExtension().appendingPathExtension("detail.png")
                try await driver.screenshot(session).write(to: detailShot)

                // The address bar holds the query: opening it again shows the same ranking.
                let shared = try #require(try await driver.execute(session, "return location.href") as? String)
                #expect(shared.contains("?q="))
                try await driver.navigate(session, to: shared)
                try await driver.wait(session, for: "the results of the shared address",
                    "return document.getElementById('results').dataset.state === 'done'")
                let reopened = try await driver.execute(session,
                    "return [...document.querySelectorAll('#results .card')].map(c => c.dataset.track)") as? [String]
                #expect(reopened == shown)
                let refilled = try await driver.execute(session, "return document.getElementById('query').value") as? String
                #expect(refilled == typed)
            }
        } catch {
            await driver.deleteSession(session)
            throw error
        }
        await driver.deleteSession(session)
    }

    /// The detail view of a track with frames shows the crop its colour is read from, loaded.
    @Test(.enabled(if: WebDriver.available, "chromium or chromedriver absent (apt-get install chromium chromium-driver)"),
          .requiresShared("cityflow-sample/test-tracks.json", "cityflow-sample/frames"))
    func detailViewShowsTheColourRegion() async throws {
        let tracks = try TrackFile.load(from: TestData.sharedData("cityflow-sample/test-tracks.json"))
        let cache = TemporaryDirectory(prefix: "sightline-browser")
        let server = SightlineServer(backend: MemoryBackend(tracks: tracks, framesRoot: TestData.sharedData("cityflow-sample/frames").path),
                                     configuration: ServerConfiguration(cacheDirectory: cache.url))
        let driver = try await WebDriver.start()
        defer { driver.stop() }
        let session = try await driver.newSession()
        do {
            try await Application(router: server.router()).test(.live) { client in
                let port = try #require(client.port)
                try await driver.navigate(session, to: "http://localhost:\(port)/")
                try await driver.wait(session, for: "the filters", "return document.querySelectorAll('#colours .chip').length > 0")
                try await driver.sendKeys(session, element: try await driver.element(session, css: "#query"), "A car goes straight.\u{E007}")
                try await driver.wait(session, for: "the results", "return document.getElementById('results').dataset.state === 'done'")
                try await driver.click(session, element: try await driver.element(session, css: "#results .card"))
                try await driver.wait(session, for: "the colour region",
                    "const img = document.querySelector('#detail-visual img.colour-region'); return !!img && img.complete && img.naturalWidth > 0")
                let caption = try await driver.execute(session, "return document.querySelector('#detail-visual figure.colour-region figcaption').textContent") as? String
                #expect(caption?.contains("Colour") == true)
                let source = try #require(try await driver.execute(session, "return document.querySelector('#detail-visual img.colour-region').getAttribute('src')") as? String)
                #expect(source.hasSuffix("/colour-region"))
                let shot = Self.screenshot.deletingPathExtension().appendingPathExtension("colour-region.png")
                try FileManager.default.createDirectory(at: shot.deletingLastPathComponent(), withIntermediateDirectories: true)
                try await driver.screenshot(session).write(to: shot)
            }
        } catch {
            await driver.deleteSession(session)
            throw error
        }
        await driver.deleteSession(session)
    }
}
