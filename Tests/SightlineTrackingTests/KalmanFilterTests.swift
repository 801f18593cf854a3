import SightlineData
import Testing
@testable import SightlineTracking

struct KalmanFilterTests {
    /// A 40 x 30 box whose top-left moves by (3, -2) pixels a frame.
    func box(_ frame: Int) -> Box { Box(x: 100 + 3 * Double(frame), y: 200 - 2 * Double(frame), w: 40, h: 30) }

    func positionVariance(_ s: KalmanFilter.State) -> Double { s.covariance[0] + s.covariance[9] }

    @Test func initiatesAtTheBoxWithZeroVelocity() {
        let s = KalmanFilter().initiate(box(0))
        #expect(s.box == box(0))
        #expect(s.velocity == (0, 0))
        #expect(s.mean[2] == 40.0 / 30.0)
    }

    @Test func learnsTheVelocityOfAConstantVelocityBoxAndItsCovarianceShrinks() {
        let kf = KalmanFilter()
        var s = kf.initiate(box(0))
        let initialVariance = positionVariance(s), initialVelocityVariance = s.covariance[4 * 8 + 4]
        for f in 1...30 { s = kf.update(kf.predict(s), with: box(f)) }
        #expect(abs(s.velocity.x - 3) < 0.05)
        #expect(abs(s.velocity.y + 2) < 0.05)
        let predicted = kf.predict(s).box
        #expect(abs(predicted.x - box(31).x) < 0.1 && abs(predicted.y - box(31).y) < 0.1)
        #expect(abs(predicted.w - 40) < 1e-6 && abs(predicted.h - 30) < 1e-6)
        #expect(positionVariance(s) < initialVariance)
        #expect(s.covariance[4 * 8 + 4] < initialVelocityVariance / 10)
    }

    @Test func predictionAloneGrowsTheCovarianceAndCarriesTheVelocity() {
        let kf = KalmanFilter()
        var s = kf.initiate(box(0))
        for f in 1...20 { s = kf.update(kf.predict(s), with: box(f)) }
        let p1 = kf.predict(s), p2 = kf.predict(p1)
        #expect(positionVariance(p1) > positionVariance(s))
        #expect(positionVariance(p2) > positionVariance(p1))
        #expect(abs((p2.box.x - p1.box.x) - 3) < 0.05)
    }

    @Test func anUpdateMovesTheMeanTowardTheMeasurementAndKeepsTheCovarianceSymmetric() {
        let kf = KalmanFilter()
        let s = kf.predict(kf.initiate(box(0)))
        let u = kf.update(s, with: box(5))
        #expect(u.box.x > s.box.x && u.box.x < box(5).x)
        for i in 0..<8 { for j in 0..<8 { #expect(abs(u.covariance[i * 8 + j] - u.covariance[j * 8 + i]) < 1e-9) } }
        for i in 0..<8 { #expect(u.covariance[i * 8 + i] > 0 && u.covariance[i * 8 + i] < s.covariance[i * 8 + i] + 1e-12) }
    }
}
