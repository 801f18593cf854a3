@testable import SightlinePixels
import Testing

/// Crop rectangles, padding, motion-map selection and drawing on small generated images.
struct GeometryTests {
    /// A `width × height` image whose pixel (x, y) is (x, y, 7): every value says where it came from.
    static func coordinates(width: Int, height: Int) -> RGBImage {
        var pixels: [UInt8] = []
        for y in 0..<height { for x in 0..<width { pixels += [UInt8(x), UInt8(y), 7] } }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    static func pixel(_ image: RGBImage, _ x: Int, _ y: Int) -> [UInt8] {
        let i = (y * image.width + x) * 3
        return Array(image.pixels[i..<i + 3])
    }

    @Test func plainBoxInsideTheFrameIsCutExactly() throws {
        let rect = try #require(CropOptions().rect(x: 10, y: 20, w: 30, h: 40, frameWidth: 100, frameHeight: 100))
        #expect(rect == PixelRect(x: 10, y: 20, width: 30, height: 40))
        let crop = Self.coordinates(width: 100, height: 100).cropped(rect)
        #expect(crop.width == 30 && crop.height == 40)
        #expect(Self.pixel(crop, 0, 0) == [10, 20, 7])
        #expect(Self.pixel(crop, 29, 39) == [39, 59, 7])
    }

    @Test func enlargedBoxAtTheFrameCornerIsClipped() throws {
        // 5/3 of a 30×30 box at the top-left corner reaches 10 px past the left and top edges.
        let rect = try #require(CropOptions.ssm.rect(x: 0, y: 0, w: 30, h: 30, frameWidth: 100, frameHeight: 80))
        #expect(rect == PixelRect(x: 0, y: 0, width: 40, height: 40))
        let bottomRight = try #require(CropOptions.ssm.rect(x: 70, y: 50, w: 30, h: 30, frameWidth: 100, frameHeight: 80))
        #expect(bottomRight == PixelRect(x: 60, y: 40, width: 40, height: 40))
    }

    @Test func boxOutsideTheFrameGivesNoCrop() {
        #expect(CropOptions().rect(x: 200, y: 10, w: 20, h: 20, frameWidth: 100, frameHeight: 100) == nil)
        #expect(CropOptions(squarePad: true).rect(x: -50, y: -50, w: 20, h: 20, frameWidth: 100, frameHeight: 100) == nil)
    }

    @Test func squarePadKeepsTheSquareAndPadsOutsideWithBlack() throws {
        let rect = try #require(CropOptions(squarePad: true).rect(x: 0, y: 40, w: 40, h: 20, frameWidth: 100, frameHeight: 100))
        #expect(rect == PixelRect(x: 0, y: 30, width: 40, height: 40))
        let nearEdge = try #require(CropOptions(squarePad: true).rect(x: 90, y: 10, w: 10, h: 30, frameWidth: 100, frameHeight: 100))
        #expect(nearEdge.width == 30 && nearEdge.height == 30 && nearEdge.x + nearEdge.width > 100)
        let crop = Self.coordinates(width: 100, height: 100).cropped(nearEdge)
        #expect(Self.pixel(crop, 0, 0) == [UInt8(nearEdge.x), UInt8(nearEdge.y), 7])
        #expect(Self.pixel(crop, 29, 29) == [0, 0, 0])
    }

    @Test func paddedToSquareCentresTheImage() {
        let tall = Self.coordinates(width: 4, height: 10).paddedToSquare()
        #expect(tall.width == 10 && tall.height == 10)
        #expect(Self.pixel(tall, 0, 0) == [0, 0, 0])
        #expect(Self.pixel(tall, 3, 0) == [0, 0, 7])
        #expect(Self.pixel(tall, 6, 9) == [3, 9, 7])
        #expect(Self.pixel(tall, 7, 9) == [0, 0, 0])
    }

    @Test func motionMapSkipsBoxesOverlappingTheLastPasted() {
        let boxes = [
            PixelRect(x: 0, y: 0, width: 10, height: 10),
            PixelRect(x: 1, y: 0, width: 10, height: 10),   // IoU 0.82 with the first: skipped
            PixelRect(x: 9, y: 0, width: 10, height: 10),   // IoU 1/19 = 0.053 with the first: skipped
            PixelRect(x: 10, y: 0, width: 10, height: 10),  // touches the first: pasted
            PixelRect(x: 19, y: 0, width: 10, height: 10),  // IoU 0.053 with the last pasted: skipped
            PixelRect(x: 30, y: 0, width: 10, height: 10),
        ]
        #expect(MotionMap.selectBoxes(boxes, maxIoU: 0.05) == [0, 3, 5])
        #expect(MotionMap.selectBoxes(boxes, maxIoU: 0.06) == [0, 2, 4, 5])
        #expect(MotionMap.selectBoxes([], maxIoU: 0.05).isEmpty)
        #expect(abs(MotionMap.iou(boxes[0], boxes[2]) - 1.0 / 19.0) < 1e-12)
    }

    @Test func motionMapPastesCropsAtTheirBoxes() {
        let background = RGBImage(width: 20, height: 10, pixels: [UInt8](repeating: 50, count: 600))
        let red = RGBImage(width: 4, height: 4, pixels: Array([[UInt8]](repeating: [255, 0, 0], count: 16).joined()))
        let map = MotionMap.render(background: background, crops: [(PixelRect(x: 18, y: 8, width: 4, height: 4), red)])
        #expect(Self.pixel(map, 18, 8) == [255, 0, 0])
        #expect(Self.pixel(map, 19, 9) == [255, 0, 0])
        #expect(Self.pixel(map, 17, 8) == [50, 50, 50])
    }

    @Test func drawnTextSetsOnlyGlyphPixels() {
        var image = RGBImage(width: 20, height: 9, pixels: [UInt8](repeating: 0, count: 540))
        image.draw(text: "1", x: 1, y: 1, colour: (9, 9, 9))
        // "1": its stem is font column 2 (x = 3); its foot on the last row spans columns 1...3.
        #expect(Self.pixel(image, 3, 1) == [9, 9, 9])
        #expect(Self.pixel(image, 1, 1) == [0, 0, 0])
        #expect(Self.pixel(image, 2, 7) == [9, 9, 9])
        #expect(image.pixels.filter { $0 == 9 }.count / 3 == BitmapFont.glyph("1").reduce(0) { $0 + $1.nonzeroBitCount })
        #expect(BitmapFont.width(of: "ab", scale: 2) == 22)
        #expect(BitmapFont.glyph("a") == BitmapFont.glyph("A"))
    }

    @Test func contactSheetPlacesTilesInRows() {
        let tile = ContactSheet.Tile(image: RGBImage(width: 40, height: 20, pixels: [UInt8](repeating: 200, count: 2400)), lines: [("X", (255, 255, 255))])
        let sheet = ContactSheet(columns: 2, cell: 40, textScale: 1)
        let image = sheet.render([tile, tile, tile])
        let lineHeight = BitmapFont.glyphHeight + 3
        #expect(image.width == 8 + 2 * (40 + 8))
        #expect(image.height == 8 + 2 * (40 + 8 + lineHeight))
        // The first tile's image is centred vertically in its 40 px cell: rows 18..<38.
        #expect(Self.pixel(image, 8, 18) == [200, 200, 200])
        #expect(Self.pixel(image, 8, 17) == [24, 24, 24])
        // The third tile starts the second row.
        #expect(Self.pixel(image, 8, 8 + 40 + 8 + lineHeight + 10) == [200, 200, 200])
    }
}
